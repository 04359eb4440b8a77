-- split: 200k SPIFFE IDs joined into one text, split back into lines, each split at "/" and
-- tested for a prefix. Lua has no split: a plain-text string.find loop keeps empty pieces, as
-- the others do.
local find, sub, format = string.find, string.sub, string.format

local function split(s, sep)
  local parts, n, start = {}, 0, 1
  while true do
    local at = find(s, sep, start, true)
    n = n + 1
    if not at then
      parts[n] = sub(s, start)
      return parts
    end
    parts[n] = sub(s, start, at - 1)
    start = at + #sep
  end
end

local ids = {}
for i = 0, 200000 - 1 do
  ids[#ids + 1] = format("spiffe://td%d.example.org/ns/app%d/sa/svc%d", i % 7, i % 13, i)
end
local text = table.concat(ids, "\n")
local prefix = "spiffe://td3."
local matches, segments = 0, 0
for _, id in ipairs(split(text, "\n")) do
  if sub(id, 1, #prefix) == prefix then matches = matches + 1 end
  segments = segments + #split(id, "/")
end
print(format("%d %d %d", #text, matches, segments))
