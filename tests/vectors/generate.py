"""Cross-implementation test vectors, written by fastavro (an independent Avro
implementation) for every record of avro-schemas/ and of the tricky corpus.

For each record type: random values, their Avro binary encoding (fastavro's
schemaless_writer) and their Avro JSON encoding (fastavro's json_writer). The Rust tests
decode the binary with the derived codecs, re-encode it and compare bytes, and compare
the JSON encoding of what they decoded with fastavro's. Resolution vectors: data written
with an older schema version, and what fastavro's resolving reader makes of it.

Deterministic (seeded), so CI can regenerate and diff. Run through `cargo xtask vectors`.
"""

import datetime
import decimal
import io
import json
import os
import random
import struct
import sys
import uuid

import fastavro
import fastavro.read
from fastavro.schema import parse_schema

# Read values in their underlying types (a timestamp as its long, a decimal as its bytes):
# that is what the Avro JSON encoding holds, so the JSON below is fastavro's own reading
# of its own bytes, with no conversion of ours in between.
fastavro.read.LOGICAL_READERS.clear()

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_DIRS = [os.path.join(ROOT, "avro-schemas"), os.path.join(ROOT, "tests", "corpus", "tricky")]
RECORDS_PER_TYPE = 12
MAX_DEPTH = 3


def avsc_files(directory):
    out = []
    for base, _, files in os.walk(directory):
        out.extend(os.path.join(base, f) for f in files if f.endswith(".avsc"))
    return sorted(out)


def load_directory(directory):
    """Parses every file, retrying those that refer to types defined later."""
    named = {}
    pending = [json.load(open(path)) for path in avsc_files(directory)]
    while pending:
        progress = []
        for schema in pending:
            try:
                parse_schema(schema, named_schemas=named)
                progress.append(schema)
            except fastavro.schema.UnknownType:
                pass
        if not progress:
            raise SystemExit(f"cannot resolve the schemas of {directory}")
        pending = [s for s in pending if not any(s is p for p in progress)]
    return named


class Generator:
    def __init__(self, named, rng):
        self.named = named
        self.rng = rng
        self.ascii_bytes = False

    def value(self, schema, depth=0):
        rng = self.rng
        if isinstance(schema, str):
            if schema in self.named:
                return self.value(self.named[schema], depth)
            return self.primitive(schema)
        if isinstance(schema, list):
            # Past the depth limit prefer null (or the first branch) so recursion ends.
            if depth >= MAX_DEPTH and "null" in schema:
                return None
            branch = rng.choice(schema) if depth < MAX_DEPTH else schema[0]
            value = self.value(branch, depth + 1)
            if isinstance(branch, str) and branch in self.named or isinstance(branch, dict) and "name" in branch:
                name = branch if isinstance(branch, str) else branch["name"]
                return (name, value)
            return value
        logical = schema.get("logicalType")
        kind = schema["type"]
        if logical:
            generated = self.logical(logical, schema)
            if generated is not None:
                return generated
        if kind == "record" or kind == "error":
            return {f["name"]: self.value(f["type"], depth + 1) for f in schema["fields"]}
        if kind == "enum":
            return rng.choice(schema["symbols"])
        if kind == "fixed":
            return bytes(rng.randrange(256) for _ in range(schema["size"]))
        if kind == "array":
            n = 0 if depth >= MAX_DEPTH else rng.randrange(4)
            return [self.value(schema["items"], depth + 1) for _ in range(n)]
        if kind == "map":
            n = 0 if depth >= MAX_DEPTH else rng.randrange(4)
            entries = {f"k{rng.randrange(1000)}": self.value(schema["values"], depth + 1) for _ in range(n)}
            # Avro maps are unordered; avrokit writes keys sorted (BTreeMap), fastavro in
            # insertion order. Sorted insertion makes "the same value" mean the same bytes.
            return dict(sorted(entries.items()))
        return self.value(kind, depth)

    def primitive(self, name):
        rng = self.rng
        if name == "null":
            return None
        if name == "boolean":
            return rng.random() < 0.5
        if name == "int":
            return rng.choice([0, -1, 1, 63, -64, 64, 2**31 - 1, -(2**31), rng.randrange(-(2**31), 2**31)])
        if name == "long":
            return rng.choice([0, -1, 2**63 - 1, -(2**63), rng.randrange(-(2**63), 2**63)])
        if name == "float":
            return struct.unpack("<f", struct.pack("<f", rng.uniform(-1e6, 1e6)))[0]
        if name == "double":
            return rng.choice([0.0, -0.5, 1e300, rng.uniform(-1e9, 1e9)])
        if name == "bytes":
            top = 128 if self.ascii_bytes else 256
            return bytes(rng.randrange(top) for _ in range(rng.randrange(6)))
        if name == "string":
            return "".join(rng.choice("aZ9 _-é✓😀") for _ in range(rng.randrange(8)))
        raise ValueError(name)

    def logical(self, logical, schema):
        rng = self.rng
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        if logical == "timestamp-millis":
            return epoch + datetime.timedelta(milliseconds=rng.randrange(-2**40, 2**42))
        if logical == "timestamp-micros":
            return epoch + datetime.timedelta(microseconds=rng.randrange(-2**50, 2**52))
        if logical == "local-timestamp-millis":
            return datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=rng.randrange(-2**40, 2**42))
        if logical == "local-timestamp-micros":
            return datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=rng.randrange(-2**50, 2**52))
        if logical == "date":
            return datetime.date(1970, 1, 1) + datetime.timedelta(days=rng.randrange(-700000, 700000))
        if logical == "time-millis":
            ms = rng.randrange(86_400_000)
            return datetime.time(ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60, ms % 1000 * 1000)
        if logical == "time-micros":
            us = rng.randrange(86_400_000_000)
            return datetime.time(us // 3_600_000_000, us // 60_000_000 % 60, us // 1_000_000 % 60, us % 1_000_000)
        if logical == "uuid" and schema["type"] == "string":
            return uuid.UUID(int=rng.getrandbits(128))
        if logical == "decimal":
            precision, scale = schema["precision"], schema.get("scale", 0)
            digits = rng.randrange(10 ** precision)
            sign = -1 if rng.random() < 0.5 else 1
            return decimal.Decimal(sign * digits).scaleb(-scale)
        # timestamp-nanos, local-timestamp-nanos, duration: fastavro writes the raw base type.
        return None


def encode(parsed, record):
    """fastavro's binary encoding of `record`, and fastavro's reading of those bytes."""
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, parsed, record)
    binary = buffer.getvalue()
    read_back = fastavro.schemaless_reader(io.BytesIO(binary), parsed, return_named_type=True)
    return binary, read_back


def branch_name(schema):
    """The name the Avro JSON encoding gives a union branch."""
    if isinstance(schema, str):
        return schema
    if schema["type"] in ("record", "error", "enum", "fixed"):
        return schema["name"]
    return schema["type"] if isinstance(schema["type"], str) else branch_name(schema["type"])


def python_kind(value):
    if isinstance(value, bool):
        return ("boolean",)
    if isinstance(value, int):
        return ("int", "long")
    if isinstance(value, float):
        return ("float", "double")
    if isinstance(value, str):
        return ("string",)
    if isinstance(value, bytes):
        return ("bytes",)
    if isinstance(value, list):
        return ("array",)
    if isinstance(value, dict):
        return ("map",)
    raise TypeError(type(value))


def to_json(schema, value, named):
    """A value as fastavro read it, in the Avro JSON encoding."""
    if isinstance(schema, str):
        if schema in named:
            return to_json(named[schema], value, named)
        if schema == "bytes":
            return value.decode("latin-1")
        if schema == "float":
            # fastavro keeps an int promoted to float as a Python (double) value; the
            # reader's float holds it rounded to 32 bits, as Java's reader does.
            return struct.unpack("<f", struct.pack("<f", value))[0]
        return value
    if isinstance(schema, list):
        if value is None:
            return None
        if isinstance(value, tuple):
            name, inner = value
            branch = next(b for b in schema if branch_name(b) == name or (isinstance(b, str) and b.endswith("." + name)))
            return {branch_name(branch) if not isinstance(branch, str) else branch: to_json(branch, inner, named)}
        kinds = python_kind(value)
        branch = next(b for b in schema if branch_name(b) in kinds)
        return {branch_name(branch): to_json(branch, value, named)}
    kind = schema["type"]
    if kind in ("record", "error"):
        return {f["name"]: to_json(f["type"], value[f["name"]], named) for f in schema["fields"]}
    if kind == "enum":
        return value
    if kind == "fixed":
        return value.decode("latin-1")
    if kind == "array":
        return [to_json(schema["items"], v, named) for v in value]
    if kind == "map":
        return {k: to_json(schema["values"], v, named) for k, v in value.items()}
    return to_json(kind, value, named)


def records_of(named, directory_names):
    return [
        name
        for name in directory_names
        if named[name]["type"] in ("record", "error")
    ]


def main():
    rng = random.Random(20261123)
    vectors = []
    for directory in SCHEMA_DIRS:
        named = load_directory(directory)
        generator = Generator(named, rng)
        for name in sorted(records_of(named, named.keys())):
            parsed = parse_schema(named[name], named_schemas=dict(named))
            for _ in range(RECORDS_PER_TYPE):
                binary, read_back = encode(parsed, generator.value(named[name]))
                as_json = to_json(named[name], read_back, named)
                vectors.append({"type": name, "binary": binary.hex(), "json": as_json})
    resolution = resolution_vectors(rng)
    pairs = pair_vectors(rng)
    out = {"fastavro": fastavro.__version__, "vectors": vectors, "resolution": resolution, "pairs": pairs}
    json.dump(out, sys.stdout, indent=1, sort_keys=True, ensure_ascii=False)
    sys.stdout.write("\n")


def resolution_vectors(rng):
    """TelescopeCommand as first released (without `priority`) read by the current one."""
    current = load_directory(SCHEMA_DIRS[0])["astro.beam.TelescopeCommand"]
    v1 = json.loads(json.dumps(current))
    v1["fields"] = [f for f in v1["fields"] if f["name"] != "priority"]
    writer = parse_schema(v1, named_schemas={})
    reader = parse_schema(current, named_schemas={})
    generator = Generator({}, rng)
    out = []
    for _ in range(RECORDS_PER_TYPE):
        record = generator.value(v1)
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, writer, record)
        resolved = fastavro.schemaless_reader(io.BytesIO(buffer.getvalue()), writer, reader, return_named_type=True)
        out.append({
            "writer_schema": v1,
            "type": "astro.beam.TelescopeCommand",
            "binary": buffer.getvalue().hex(),
            "resolved_json": to_json(current, resolved, {}),
        })
    return out


def record(name, fields, **extra):
    return {"type": "record", "name": name, "fields": fields, **extra}


# (what the pair exercises, writer schema, reader schema): one per resolution rule.
PAIRS = [
    ("reordered fields",
     record("R", [{"name": "a", "type": "int"}, {"name": "b", "type": "string"}, {"name": "c", "type": "boolean"}]),
     record("R", [{"name": "c", "type": "boolean"}, {"name": "a", "type": "int"}, {"name": "b", "type": "string"}])),
    ("writer-only field skipped, reader field from its default",
     record("R", [{"name": "gone", "type": {"type": "array", "items": "string"}}, {"name": "a", "type": "long"}]),
     record("R", [{"name": "a", "type": "long"}, {"name": "added", "type": {"type": "map", "values": "int"}, "default": {"x": 1}}])),
    ("promotions int->long, int->float, long->double, float->double, string->bytes, bytes->string",
     record("R", [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}, {"name": "c", "type": "long"},
                  {"name": "d", "type": "float"}, {"name": "e", "type": "string"}, {"name": "f", "type": "bytes"}]),
     record("R", [{"name": "a", "type": "long"}, {"name": "b", "type": "float"}, {"name": "c", "type": "double"},
                  {"name": "d", "type": "double"}, {"name": "e", "type": "bytes"}, {"name": "f", "type": "string"}])),
    ("promotions inside arrays and maps",
     record("R", [{"name": "xs", "type": {"type": "array", "items": "int"}}, {"name": "m", "type": {"type": "map", "values": "float"}}]),
     record("R", [{"name": "xs", "type": {"type": "array", "items": "double"}}, {"name": "m", "type": {"type": "map", "values": "double"}}])),
    ("enum symbols by name, unknown ones to the reader's default",
     record("R", [{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B", "C", "D"]}}]),
     record("R", [{"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["Z", "D", "B", "A"], "default": "Z"}}])),
    ("non-union writer into a reader union",
     record("R", [{"name": "a", "type": "string"}, {"name": "b", "type": "int"}]),
     record("R", [{"name": "a", "type": ["null", "string"]}, {"name": "b", "type": ["string", "long"]}])),
    ("writer union into a non-union reader",
     record("R", [{"name": "a", "type": ["int", "long"]}]),
     record("R", [{"name": "a", "type": "double"}])),
    ("union branches re-indexed",
     record("R", [{"name": "a", "type": ["null", "int", "string"]}]),
     record("R", [{"name": "a", "type": ["string", "long", "null"]}])),
    ("record and field aliases",
     record("Old", [{"name": "before", "type": "int"}, {"name": "n", "type": record("Inner", [{"name": "x", "type": "int"}])}], namespace="w"),
     record("New", [{"name": "after", "type": "int", "aliases": ["before"]},
                    {"name": "n", "type": record("Renamed", [{"name": "x", "type": "long"}], aliases=["w.Inner"])}],
            namespace="w", aliases=["w.Old"])),
    ("nested records and recursion",
     record("Node", [{"name": "v", "type": "int"}, {"name": "next", "type": ["null", "Node"]}]),
     record("Node", [{"name": "next", "type": ["null", "Node"]}, {"name": "v", "type": "long"}, {"name": "tag", "type": "string", "default": "t"}])),
]


def pair_vectors(rng):
    out = []
    for what, writer, reader in PAIRS:
        parsed_writer = parse_schema(writer, named_schemas={})
        parsed_reader = parse_schema(reader, named_schemas={})
        generator = Generator({"Node": writer}, rng)
        # bytes -> string promotion needs bytes that are UTF-8.
        generator.ascii_bytes = True
        for _ in range(6):
            value = generator.value(writer)
            buffer = io.BytesIO()
            fastavro.schemaless_writer(buffer, parsed_writer, value)
            resolved = fastavro.schemaless_reader(
                io.BytesIO(buffer.getvalue()), parsed_writer, parsed_reader, return_named_type=True
            )
            out.append({
                "what": what,
                "writer_schema": writer,
                "reader_schema": reader,
                "binary": buffer.getvalue().hex(),
                "resolved_json": to_json(reader, resolved, {"Node": reader}),
            })
    return out


if __name__ == "__main__":
    main()
