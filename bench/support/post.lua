-- wrk script: POST a form whose fields come from the environment, with a fresh
-- idempotency key on every request so each one is a real insert.
local body_template = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))

local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function (c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

request = function ()
  local body = string.gsub(body_template, "KEY", uuid())
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
