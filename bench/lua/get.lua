-- Plain GETs of the URL given to wrk; only the summary line is added.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
require("common")
