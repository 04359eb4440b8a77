# list: build a 100k-element list by appending, then sum it with a loop.
def main():
    xs = []
    i = 0
    while i < 100000:
        xs.append(i)
        i += 1
    total = 0
    for x in xs:
        total += x
    print(total)


main()
