-- loop: a 3-million-step counted loop doing integer arithmetic.
local total = 0
for i = 0, 3000000 - 1 do
  total = total + (i * 7 + 3) % 1000
end
print(total)
