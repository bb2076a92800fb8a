-- wrk script: POST /api/v1/cases with a bearer token and a rotating title/county/exploitation,
-- so no two created rows are identical. BENCH_TOKEN must be set.
local token = os.getenv("BENCH_TOKEN") or error("BENCH_TOKEN not set")

local words = { "tvångsarbete", "restaurang", "städfirma", "bärplockning", "byggarbetsplats",
                "tiggeri", "människohandel", "prostitution", "nagelsalong", "lastbilschaufför",
                "skuldslaveri", "passet", "lägenhet", "Göteborg", "Malmö", "Luleå", "Uppsala",
                "rekrytering", "löfte", "arbetsgivare", "förmedlare", "skyddat", "boende", "hot" }
local counties = { "01", "03", "12", "14", "25" }
local forms = { '"sexual"', '"forced_labour"', '"unreasonable_work"', '"begging"',
                '"criminal_activities"', '"forced_marriage"', '"other"' }

local thread_no = 0
function setup(thread)
   thread_no = thread_no + 1
   thread:set("tid", thread_no)
end

local n = 0
local headers = { ["Authorization"] = "Bearer " .. token,
                  ["Content-Type"] = "application/json",
                  ["Accept"] = "application/json" }

function request()
   n = n + 1
   local t = tid or 0
   local w1 = words[(n % #words) + 1]
   local w2 = words[((n * 7 + t) % #words) + 1]
   local w3 = words[((n * 13 + 5) % #words) + 1]
   local title = string.format("Bänkfall %d-%d %s %s", t, n, w1, w2)
   local summary = string.format("Misstänkt %s med %s och %s, ärende %d från tråd %d.", w2, w3, w1, n, t)
   local expl = forms[(n % #forms) + 1]
   if n % 3 == 0 then expl = expl .. "," .. forms[((n + 2) % #forms) + 1] end
   local body = string.format('{"title":"%s","summary":"%s","county":"%s","exploitation":[%s]}',
                              title, summary, counties[(n % #counties) + 1], expl)
   return wrk.format("POST", "/api/v1/cases", headers, body)
end
