-- list: build a 100k-element list by appending, then sum it with a loop.
local xs = {}
local i = 0
while i < 100000 do
  xs[#xs + 1] = i
  i = i + 1
end
local sum = 0
for _, x in ipairs(xs) do
  sum = sum + x
end
print(sum)
