# records: build 100k records (dicts) into a list, then loop over them summing a field.
def main():
    rs = []
    for i in range(100000):
        rs.append({"id": i, "name": "n", "port": i % 100})
    s = 0
    for r in rs:
        s += r["port"]
    print(s)


main()
