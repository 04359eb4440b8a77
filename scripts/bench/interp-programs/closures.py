# closures: three closures, each capturing a variable of the function that made it, applied
# 300k times each.
def adder(n):
    return lambda x: x + n


def scaler(k):
    return lambda x: x * k


def modulo(m):
    return lambda x: x % m


def main():
    add = adder(3)
    scale = scaler(7)
    wrap = modulo(1000)
    total = 0
    for i in range(300000):
        total += wrap(scale(add(i)))
    print(total)


main()
