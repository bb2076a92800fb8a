-- wrk script for the GET endpoints (and the nginx ceiling, so both carry the same request).
-- The token comes from the environment (BENCH_TOKEN); wrk sends one static request, so no
-- Lua runs per request and the client stays as cheap as plain `wrk URL`.
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
   wrk.headers["Authorization"] = "Bearer " .. token
end
wrk.headers["Accept"] = "application/json"
