# loop: a 3-million-step counted loop doing integer arithmetic.
# The work is inside a function, as idiomatic Python does: locals, not globals.
def main():
    total = 0
    for i in range(3000000):
        total += (i * 7 + 3) % 1000
    print(total)


main()
