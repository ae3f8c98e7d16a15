// cjson, cmsgpack, bit and struct against redis-server 7.0's EVAL: each snippet runs inside the
// same pcall wrapper in Redis's Lua and in this engine, and the (hex-encoded) results, error
// texts included, must be identical. Redis equivalent: deps/lua/src/lua_{cjson,cmsgpack,bit,struct}.c.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireRedis, startRedis } from '../../test/helpers/servers.js';
import { LuaState } from './state.js';

const WRAP = (body: string): string => `local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end
local ok, r = pcall(function() ${body} end)
if type(r) ~= 'string' then r = type(r) == 'table' and 'table' or tostring(r) end
return tostring(ok) .. ' ' .. hex(r)`;

const SNIPPETS: string[] = [
  // cjson encode
  'return cjson.encode({1, 2, 3, "a", true, false})',
  'return cjson.encode({})',
  'return cjson.encode({a = {b = {}}})',
  'return cjson.encode("a/b\\"c\\\\d\\n\\r\\t\\1\\127\\128\\255\\0")',
  'return cjson.encode(0.1) .. cjson.encode(1e20) .. cjson.encode(2^53) .. cjson.encode(-0) .. cjson.encode(-1.5e-7) .. cjson.encode(12345678901234567890) .. cjson.encode(100)',
  'return cjson.encode(0/0)',
  'return cjson.encode(1/0)',
  'return cjson.encode({[1] = 1, [2] = 2, [4] = 4})',
  'return cjson.encode({[1] = 1, [20] = 2})',
  'return cjson.encode({[1] = 1, [11] = 2})',
  'return cjson.encode({[1] = 1, x = 2})',
  'return cjson.encode({[1.5] = 1, [-1] = 2, [0] = 3})',
  'return cjson.encode({[true] = 1})',
  'return cjson.encode(function() end)',
  'return cjson.encode(cjson.null) .. cjson.encode({cjson.null, 1}) .. cjson.encode(nil)',
  'return cjson.encode()',
  'return cjson.encode(1, 2)',
  'local t = {} t.x = t return cjson.encode(t)',
  'return cjson.encode({a = 1, b = 2, c = 3, d = 4, x = 5, y = 6, name = "n", id = 7, data = {1, 2}, z = {k = "v"}})',
  'return cjson.encode({x = 1.5, [3] = "y"})',
  'return type(cjson.null) .. tostring(cjson.null) .. cjson._NAME .. cjson._VERSION',
  'local r = {} for k in pairs(cjson) do r[#r + 1] = k end table.sort(r) return table.concat(r, " ")',
  'local r = {cjson.encode_sparse_array()} local s = {cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(), tostring(cjson.encode_keep_buffer()), tostring(cjson.encode_invalid_numbers()), tostring(cjson.decode_invalid_numbers())} return tostring(r[1]) .. r[2] .. r[3] .. table.concat(s, ",")',
  // cjson decode
  'return cjson.encode(cjson.decode("[1,2,{\\"a\\":null},\\"x\\\\u00e9\\\\u20ac\\\\/\\"]"))',
  'local t = cjson.decode("{\\"a\\":[1,2,3],\\"b\\":1.5e3,\\"c\\":-0,\\"d\\":12345678901234567890}") return t.a[3] .. tostring(t.b) .. tostring(t.c) .. tostring(t.d)',
  'return cjson.decode("[1,2")',
  'return cjson.decode("")',
  'return cjson.decode("{\\"a\\" 1}")',
  'return cjson.decode("[1,]")',
  'return cjson.decode("nul")',
  'return cjson.decode("\\"abc")',
  'return cjson.decode("[1] x")',
  'return cjson.decode("\\"\\\\x\\"")',
  'return tostring(cjson.decode("nan") ~= cjson.decode("nan")) .. tostring(cjson.decode("inf")) .. tostring(cjson.decode("0x10")) .. tostring(cjson.decode("-Infinity")) .. tostring(cjson.decode("1e400")) .. tostring(cjson.decode("01")) .. tostring(cjson.decode(" 1 "))',
  'return cjson.decode(string.rep("[", 1001) .. string.rep("]", 1001))',
  'return #cjson.decode(string.rep("[", 1000) .. string.rep("]", 1000))',
  'return cjson.decode("\\"\\\\ud83d\\\\ude00\\"")',
  'return cjson.decode("\\"\\\\ud83d\\"")',
  'return cjson.decode(1)',
  'return cjson.decode({})',
  'return cjson.decode()',
  'return tostring(cjson.decode("[true,false,null]")[3] == cjson.null)',
  'return cjson.decode("\\"a\\\\u0000b\\"") .. cjson.decode("\\"tab\\there\\"")',
  'return cjson.encode(cjson.decode("{\\"b\\":1,\\"a\\":2,\\"c\\":[],\\"key\\":{\\"z\\":1,\\"y\\":2}}"))',
  'return cjson.decode("[+1]")[1] .. cjson.decode("[1.]")[1]',
  'return cjson.decode("[.5]")',
  'return cjson.decode("{1:2}")',
  'return cjson.decode("[\\"\\\\u12\\"]")',
  'return cjson.decode("\\0[")',
  'return cjson.decode("[1, 2] \\0 x")[2]',
  // cmsgpack
  'return cmsgpack.pack(0.1, 1.5, -1, 2^40, -2^40, 1e30, 2^63, 0/0, -2^63, 127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129, -32768, -32769, 1/0)',
  'return cmsgpack.pack({1, 2, 3}, {a = 1}, {}, {[1] = 1, [3] = 3}, {[1.5] = 1}, true, false, nil)',
  'local x = {} local c = x for i = 1, 20 do c[1] = {} c = c[1] end return cmsgpack.pack(x)',
  'return cmsgpack.pack(string.rep("x", 31), string.rep("x", 40), string.rep("y", 300), "\\128\\255")',
  'local t = {} for i = 1, 20 do t[i] = i end local m = {} for i = 1, 20 do m["k" .. i] = i end return cmsgpack.pack(t, m)',
  'return cmsgpack.pack()',
  'return cmsgpack.unpack("\\196\\1a")',
  'return cmsgpack.unpack("\\193")',
  'return cmsgpack.unpack("\\146\\1")',
  'return table.concat({cmsgpack.unpack("\\1\\2\\3")}, ",")',
  'return table.concat({cmsgpack.unpack_one("\\1\\2\\3")}, ",") .. ";" .. table.concat({cmsgpack.unpack_one("\\1\\2\\3", 2)}, ",")',
  'return table.concat({cmsgpack.unpack_limit("\\1\\2\\3", 2)}, ",") .. ";" .. table.concat({cmsgpack.unpack_limit("\\1\\2\\3", 2, 2)}, ",") .. ";" .. table.concat({cmsgpack.unpack_one("\\1", 1)}, ",")',
  'return cmsgpack.unpack("\\129\\192\\1")',
  'return select("#", cmsgpack.unpack(""))',
  'return cmsgpack.unpack_one("\\1\\2", 5)',
  'return cmsgpack.unpack_one("\\1\\2", -1)',
  'local a, b, c, d = cmsgpack.unpack(cmsgpack.pack({1, 2, {x = "y"}}, 1.25, "s", -5)) return cjson.encode(a) .. b .. c .. d',
  'local t = cmsgpack.unpack("\\220\\0\\3\\1\\2\\3") return #t',
  'return tostring(cmsgpack.unpack("\\207\\255\\255\\255\\255\\255\\255\\255\\255")) .. tostring(cmsgpack.unpack("\\211\\128\\0\\0\\0\\0\\0\\0\\0"))',
  'return cmsgpack.unpack("\\218\\0\\5ab")',
  'local r = {} for k in pairs(cmsgpack) do r[#r + 1] = k end table.sort(r) return table.concat(r, " ") .. cmsgpack._VERSION .. cmsgpack._COPYRIGHT .. cmsgpack._DESCRIPTION',
  // bit
  'return table.concat({bit.tobit(2^32 + 1), bit.tobit(0.5), bit.tobit(1.5), bit.tobit(-1), bit.tobit(2^31), bit.tobit("10")}, ",")',
  'return table.concat({bit.tohex(255), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -4), bit.tohex(1, 10)}, ",")',
  'return table.concat({bit.bnot(0), bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4), bit.bxor(5, 3), bit.lshift(1, 31), bit.lshift(1, 33), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678)}, ",")',
  'return bit.tobit()',
  'return bit.band(1, "x")',
  'return bit.tobit(1e20) .. "," .. bit.tobit(-2^53) .. "," .. bit.tobit(0/0)',
  // struct
  'return struct.pack(">I2<i4b!4hBd", 258, -2, -1, 5, 255, 1.5)',
  'return struct.pack("i", 1) .. struct.pack("l", -1) .. struct.pack("f", 0.1) .. struct.pack("s", "ab") .. struct.pack("c3", "abcdef") .. struct.pack("c0", "xy") .. struct.pack("x")',
  'return table.concat({struct.unpack(">I2<i4b", struct.pack(">I2<i4b", 258, -2, -1))}, ",")',
  'return table.concat({struct.unpack("s c2 B", "ab\\0xyz")}, ",")',
  'return table.concat({struct.unpack("B c0", "\\3abcd")}, ",")',
  'return struct.size(">i4 h !8 d") .. "," .. struct.size("bhlf")',
  'return struct.size("s")',
  'return struct.unpack("i4", "ab")',
  'return struct.unpack("s", "ab")',
  'return struct.pack("q", 1)',
  'return struct.pack("i33", 1)',
  'return struct.pack("!3i", 1)',
  'return struct.pack("c5", "ab")',
  'return struct.unpack("i", "abcd", 10)',
  'return table.concat({struct.unpack("I8", struct.pack("I8", 2^53))}, ",") .. struct.pack(">i16", -2)',
  'return table.concat({struct.unpack(">d<f", struct.pack(">d<f", 1/3, 1/3))}, ",")',
];

function bulk(reply: string): string {
  const m = /^\$(\d+)\r\n/.exec(reply);
  if (m === null) return reply;
  return reply.slice(m[0].length, m[0].length + Number(m[1]));
}

test('cjson, cmsgpack, bit and struct behave as in redis-server 7.0', async (t) => {
  if (!requireRedis(t)) return;
  const redis = await startRedis();
  try {
    const c = await redis.client();
    const L = new LuaState();
    const bad: string[] = [];
    for (const body of SNIPPETS) {
      const script = WRAP(body);
      const want = bulk(await c.call('EVAL', script, '0'));
      const got = L.call(L.load(script, '@user_script'))[0];
      if (got !== want) bad.push(`--- ${body}\nwant: ${want}\n got: ${String(got)}`);
    }
    assert.equal(bad.length, 0, `${bad.length} snippets differ:\n${bad.join('\n')}`);
  } finally {
    await redis.stop();
  }
});
