# calls: recursive fib(30), 1.6 million calls of a global function. Prints 832040.
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


print(fib(30))
