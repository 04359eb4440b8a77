-- strings: 200k string interpolations (string.format), summing their lengths.
local format = string.format -- the usual Lua idiom: a local, not a field look-up per call
local n = 0
for i = 0, 200000 - 1 do
  n = n + #format("item-%d-%d", i, i * 2)
end
print(n)
