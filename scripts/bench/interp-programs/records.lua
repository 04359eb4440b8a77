-- records: build 100k records (tables) into a list, then loop over them summing a field.
local rs = {}
for i = 0, 100000 - 1 do
  rs[#rs + 1] = { id = i, name = "n", port = i % 100 }
end
local s = 0
for _, r in ipairs(rs) do
  s = s + r.port
end
print(s)
