"""``make bench``: the figures the issues ask for. Nothing is measured yet."""
print("nothing yet: the first benchmarks come with the sign-off workflow")
