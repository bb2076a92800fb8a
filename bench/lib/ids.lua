-- wrk script for GET of one object over a spread of ids (not one hot id): each request picks
-- an id at random from the file BENCH_IDS (one id a line) and asks for BENCH_PREFIX .. id.
-- Used for nmtd, for nginx (which answers every such path with the same file) and for the Node
-- service, so the three get the same requests from the same client code.
local token = os.getenv("BENCH_TOKEN")
local prefix = os.getenv("BENCH_PREFIX") or "/api/v1/cases/"
local path = os.getenv("BENCH_IDS") or error("BENCH_IDS not set")

local ids = {}
for line in io.lines(path) do
   if line ~= "" then ids[#ids + 1] = line end
end
if #ids == 0 then error("no ids in " .. path) end

local headers = { ["Accept"] = "application/json" }
if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end

local thread_no = 0
function setup(thread)
   thread_no = thread_no + 1
   thread:set("tid", thread_no)
end

function init(args)
   math.randomseed(4999 + 7919 * (tid or 0))
end

function request()
   return wrk.format("GET", prefix .. ids[math.random(#ids)], headers)
end
