# strings: 200k string interpolations (f-strings), summing their lengths.
def main():
    n = 0
    for i in range(200000):
        n += len(f"item-{i}-{i * 2}")
    print(n)


main()
