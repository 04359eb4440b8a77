-- closures: three closures, each capturing a variable of the function that made it, applied
-- 300k times each.
local function adder(n) return function(x) return x + n end end
local function scaler(k) return function(x) return x * k end end
local function modulo(m) return function(x) return x % m end end

local add = adder(3)
local scale = scaler(7)
local wrap = modulo(1000)
local total = 0
for i = 0, 300000 - 1 do
  total = total + wrap(scale(add(i)))
end
print(total)
