-- Top-level code with globals (no `local`), as in the ogpu and Python twins.
total = 0
i = 0
while i < 3000000 do
  total = (total + i * 3) % 1000003
  i = i + 1
end
print(total)
