-- calls: recursive fib(30), 1.6 million calls of a global function. Prints 832040.
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

print(fib(30))
