# split: 200k SPIFFE IDs joined into one text, split back into lines, each split at "/" and
# tested with startswith.
def main():
    ids = []
    for i in range(200000):
        ids.append(f"spiffe://td{i % 7}.example.org/ns/app{i % 13}/sa/svc{i}")
    text = "\n".join(ids)
    matches = 0
    segments = 0
    for id in text.split("\n"):
        if id.startswith("spiffe://td3."):
            matches += 1
        segments += len(id.split("/"))
    print(f"{len(text)} {matches} {segments}")


main()
