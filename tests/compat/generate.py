"""Reference verdicts for avrokit's compatibility engine.

Writes schema pairs (old, new) to stdout as JSON, with the verdicts of the Python `avro`
package's ReaderWriterCompatibilityChecker (a port of Java's SchemaCompatibility) for
BACKWARD (new reads old), FORWARD (old reads new) and FULL (both). Seeded: the output is
the same on every run, so `cargo xtask compat vectors --check` can compare it.

Each pair starts from a random record (nested records, enums, fixed, arrays, maps,
unions, logical types) and applies one primary mutation, cycling through every rule of
the compatibility check, plus up to two random extra ones.
"""

import copy
import json
import random
import sys

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

SEED = 20240605
PAIRS = 1200

PRIMITIVES = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"]
PROMOTIONS = [("int", "long"), ("int", "float"), ("int", "double"), ("long", "float"),
              ("long", "double"), ("float", "double"), ("string", "bytes"), ("bytes", "string")]
LOGICAL = [
    {"type": "long", "logicalType": "timestamp-millis"},
    {"type": "long", "logicalType": "timestamp-micros"},
    {"type": "long", "logicalType": "local-timestamp-millis"},
    {"type": "int", "logicalType": "date"},
    {"type": "int", "logicalType": "time-millis"},
    {"type": "string", "logicalType": "uuid"},
    {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
]


class Gen:
    def __init__(self, rng):
        self.rng = rng
        self.counter = 0

    def name(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def type(self, depth):
        r = self.rng.random()
        if depth <= 0 or r < 0.45:
            return self.rng.choice(PRIMITIVES[1:])
        if r < 0.55:
            return copy.deepcopy(self.rng.choice(LOGICAL))
        if r < 0.63:
            return self.enum()
        if r < 0.68:
            return {"type": "fixed", "name": self.name("F"), "size": self.rng.choice([4, 8, 16])}
        if r < 0.76:
            return {"type": "array", "items": self.type(depth - 1)}
        if r < 0.82:
            return {"type": "map", "values": self.type(depth - 1)}
        if r < 0.92:
            return ["null", self.nonunion(depth - 1)]
        return self.record(depth - 1, self.rng.randint(1, 4))

    def nonunion(self, depth):
        while True:
            t = self.type(depth)
            if not isinstance(t, list) and t != "null":
                return t

    def enum(self):
        n = self.rng.randint(2, 5)
        e = {"type": "enum", "name": self.name("E"), "symbols": [f"S{i}" for i in range(n)]}
        if self.rng.random() < 0.3:
            e["default"] = "S0"
        return e

    def field(self, depth):
        f = {"name": self.name("f"), "type": self.type(depth)}
        if self.rng.random() < 0.3:
            f["default"] = default_for(f["type"], self)
        return f

    def record(self, depth, nfields):
        return {"type": "record", "name": self.name("R"),
                "fields": [self.field(depth) for _ in range(nfields)]}


def default_for(t, gen, names=None):
    """A valid default for type `t`; `names` resolves references to named types."""
    names = names or {}
    if isinstance(t, list):
        return default_for(t[0], gen, names)
    if isinstance(t, dict):
        kind = t["type"]
        if kind == "record":
            return {f["name"]: default_for(f["type"], gen, names) for f in t["fields"]}
        if kind == "enum":
            return t["symbols"][0]
        if kind == "fixed":
            return "\u0000" * t["size"]
        if kind == "array":
            return []
        if kind == "map":
            return {}
        if t.get("logicalType") == "uuid":
            return "00000000-0000-0000-0000-000000000000"
        return default_for(kind, gen, names)
    if t in names:
        return default_for(names[t], gen, names)
    return {"null": None, "boolean": False, "int": 0, "long": 0, "float": 0.0, "double": 0.0,
            "bytes": "", "string": ""}.get(t, None)


def fix_defaults(schema, gen):
    """Recomputes every field default: mutations change the types defaults are made of."""
    names = {}

    def collect(t):
        if isinstance(t, list):
            for b in t:
                collect(b)
        elif isinstance(t, dict):
            if t["type"] in ("record", "enum", "fixed"):
                names[t["name"]] = t
            for f in t.get("fields", []):
                collect(f["type"])
            for key in ("items", "values"):
                if key in t:
                    collect(t[key])
    collect(schema)
    for _, f in fields(schema):
        if "default" in f:
            f["default"] = default_for(f["type"], gen, names)


def records(schema):
    """Every record definition in the schema tree."""
    out = []

    def walk(t):
        if isinstance(t, list):
            for b in t:
                walk(b)
        elif isinstance(t, dict):
            if t["type"] == "record":
                out.append(t)
                for f in t["fields"]:
                    walk(f["type"])
            elif t["type"] == "array":
                walk(t["items"])
            elif t["type"] == "map":
                walk(t["values"])
    walk(schema)
    return out


def nodes(schema, kind):
    """Every inline definition of `kind` (enum, fixed, array, map) with a setter."""
    out = []

    def walk(t, setter):
        if isinstance(t, list):
            for i, b in enumerate(t):
                walk(b, lambda v, t=t, i=i: t.__setitem__(i, v))
        elif isinstance(t, dict):
            if t["type"] == kind:
                out.append((t, setter))
            if t["type"] == "record":
                for f in t["fields"]:
                    walk(f["type"], lambda v, f=f: f.__setitem__("type", v))
            elif t["type"] == "array":
                walk(t["items"], lambda v, t=t: t.__setitem__("items", v))
            elif t["type"] == "map":
                walk(t["values"], lambda v, t=t: t.__setitem__("values", v))
    walk(schema, None)
    return out


def fields(schema):
    return [(r, f) for r in records(schema) for f in r["fields"]]


def full(schema, name):
    ns = schema.get("namespace")
    return f"{ns}.{name}" if ns else name


def set_type(f, t, gen):
    f["type"] = t
    if "default" in f:
        f["default"] = default_for(t, gen)


# Mutations: each changes `new` (and may need the generator); returns a label or None when
# it does not apply to this schema.

def add_field(new, gen, rng, with_default):
    r = rng.choice(records(new))
    f = gen.field(1)
    if with_default:
        f["default"] = default_for(f["type"], gen)
    else:
        f.pop("default", None)
    r["fields"].insert(rng.randint(0, len(r["fields"])), f)
    return "add field " + ("with default" if with_default else "without default")


def remove_field(new, gen, rng, with_default):
    candidates = [(r, f) for r, f in fields(new) if ("default" in f) == with_default and len(r["fields"]) > 1]
    if not candidates:
        return None
    r, f = rng.choice(candidates)
    r["fields"].remove(f)
    return "remove field " + ("with default" if with_default else "without default")


def promote(new, gen, rng, reverse):
    a, b = rng.choice(PROMOTIONS)
    if reverse:
        a, b = b, a
    candidates = [f for _, f in fields(new) if f["type"] == a]
    if candidates:
        set_type(rng.choice(candidates), b, gen)
    else:
        r = rng.choice(records(new))
        name = gen.name("p")
        r["fields"].append({"name": name, "type": a, "default": default_for(a, gen)})
        return ("promotion" if not reverse else "reverse promotion", name, b)
    return ("reverse promotion " if reverse else "promotion ") + f"{a}->{b}"


def change_type(new, gen, rng):
    _, f = rng.choice(fields(new))
    set_type(f, rng.choice(PRIMITIVES[1:]), gen)
    return "change field type"


def enum_symbols(new, gen, rng, add, default):
    enums = nodes(new, "enum")
    if not enums:
        return None
    e, _ = rng.choice(enums)
    if add:
        e["symbols"].append(gen.name("X"))
    elif len(e["symbols"]) > 1:
        removed = e["symbols"].pop()
        if e.get("default") == removed:
            e["default"] = e["symbols"][0]
    if default:
        e["default"] = e["symbols"][0]
    else:
        e.pop("default", None)
    return f"enum symbol {'added' if add else 'removed'} {'with' if default else 'without'} enum default"


def union_branch(new, gen, rng, add):
    unions = [f for _, f in fields(new) if isinstance(f["type"], list)]
    if not unions:
        _, f = rng.choice(fields(new))
        if isinstance(f["type"], dict) and f["type"]["type"] in ("record", "enum", "fixed"):
            return None
        set_type(f, ["null", f["type"]], gen)
        return "union created"
    f = rng.choice(unions)
    if add:
        present = {json.dumps(b) for b in f["type"]}
        extra = [p for p in PRIMITIVES if json.dumps(p) not in present]
        if extra:
            f["type"].append(rng.choice(extra))
    elif len(f["type"]) > 1:
        f["type"].pop(rng.randrange(len(f["type"])))
        if "default" in f:
            f["default"] = default_for(f["type"], gen)
    return "union branch " + ("added" if add else "removed")


def optional(new, gen, rng, make):
    if make:
        candidates = [f for _, f in fields(new) if not isinstance(f["type"], list)]
        if not candidates:
            return None
        f = rng.choice(candidates)
        f["type"] = ["null", f["type"]]
        f["default"] = None
        return "required -> optional"
    candidates = [f for _, f in fields(new) if isinstance(f["type"], list) and len(f["type"]) == 2 and "null" in f["type"]]
    if not candidates:
        return None
    f = rng.choice(candidates)
    set_type(f, [b for b in f["type"] if b != "null"][0], gen)
    return "optional -> required"


def fixed_size(new, gen, rng):
    fixed = nodes(new, "fixed")
    if not fixed:
        r = rng.choice(records(new))
        r["fields"].append({"name": gen.name("g"), "type": {"type": "fixed", "name": gen.name("F"), "size": 4}})
        return "fixed added"
    t, _ = rng.choice(fixed)
    t["size"] = t["size"] + rng.choice([-1, 1, 0])
    return "fixed size"


def rename_named(new, gen, rng, alias, kind):
    if kind == "record":
        candidates = records(new)
    else:
        candidates = [t for t, _ in nodes(new, kind)]
    if not candidates:
        return None
    t = rng.choice(candidates)
    old_full = full(new, t["name"]) if t is new or "namespace" not in t else t["namespace"] + "." + t["name"]
    t["name"] = gen.name("N")
    if alias:
        t["aliases"] = [old_full]
    return f"{kind} renamed {'with' if alias else 'without'} alias"


def rename_field(new, gen, rng, alias):
    _, f = rng.choice(fields(new))
    old = f["name"]
    f["name"] = gen.name("r")
    if alias:
        f["aliases"] = [old]
    return f"field renamed {'with' if alias else 'without'} alias"


def namespace(new, gen, rng):
    new["namespace"] = rng.choice(["x.y", "other"]) if new.get("namespace") != "x.y" else "z"
    return "namespace changed"


def container(new, gen, rng):
    kind = rng.choice(["array", "map"])
    found = nodes(new, kind)
    if not found:
        r = rng.choice(records(new))
        key = "items" if kind == "array" else "values"
        r["fields"].append({"name": gen.name("c"), "type": {"type": kind, key: rng.choice(["int", "string"])}, "default": [] if kind == "array" else {}})
        return kind + " added"
    t, setter = rng.choice(found)
    key = "items" if kind == "array" else "values"
    choice = rng.random()
    if choice < 0.4:
        a, b = rng.choice(PROMOTIONS)
        t[key] = rng.choice([a, b])
    elif choice < 0.7 and setter is not None:
        other = "map" if kind == "array" else "array"
        setter({"type": other, ("values" if other == "map" else "items"): t[key]})
        return "array <-> map"
    else:
        t[key] = rng.choice(PRIMITIVES[1:])
    return kind + " item type"


def logical(new, gen, rng):
    changes = [
        ({"type": "long", "logicalType": "timestamp-millis"}, {"type": "long", "logicalType": "timestamp-micros"}),
        ({"type": "long", "logicalType": "timestamp-millis"}, {"type": "long", "logicalType": "local-timestamp-millis"}),
        ({"type": "int", "logicalType": "date"}, "int"),
        ({"type": "int", "logicalType": "date"}, {"type": "long", "logicalType": "timestamp-millis"}),
        ({"type": "string", "logicalType": "uuid"}, "string"),
        ({"type": "string", "logicalType": "uuid"}, "bytes"),
        ({"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2},
         {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 4}),
        ({"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}, "string"),
    ]
    a, b = rng.choice(changes)
    if rng.random() < 0.5:
        a, b = b, a
    r = rng.choice(records(new))
    name = gen.name("l")
    r["fields"].append({"name": name, "type": copy.deepcopy(a)})
    return ("logical", name, b)


def enum_default_quirk(new, gen, rng):
    r = rng.choice(records(new))
    e = gen.enum()
    e["default"] = e["symbols"][0]
    r["fields"].append({"name": gen.name("q"), "type": e})
    return "reader-only enum field with enum default, no field default"


def union_of_records(new, gen, rng):
    r = rng.choice(records(new))
    a = gen.record(0, 2)
    b = gen.record(0, 2)
    name = gen.name("u")
    r["fields"].append({"name": name, "type": [a, b]})
    return ("union of records", name)


def recursive(new, gen, rng):
    r = rng.choice(records(new))
    node = gen.name("Node")
    rec = {"type": "record", "name": node, "fields": [
        {"name": "value", "type": "int"},
        {"name": "next", "type": ["null", node], "default": None}]}
    r["fields"].append({"name": gen.name("list"), "type": rec})
    return ("recursive", rec)


def reference_inline(new, gen, rng):
    r = rng.choice(records(new))
    e = gen.enum()
    e.pop("default", None)
    a, b = gen.name("ref"), gen.name("ref")
    r["fields"].append({"name": a, "type": e})
    r["fields"].append({"name": b, "type": e["name"]})
    return ("reference/inline", a, b)


def reorder(new, gen, rng):
    r = rng.choice(records(new))
    rng.shuffle(r["fields"])
    return "fields reordered"


def doc(new, gen, rng):
    r = rng.choice(records(new))
    r["doc"] = "changed documentation"
    return "doc changed"


MUTATIONS = [
    lambda n, g, r: add_field(n, g, r, True),
    lambda n, g, r: add_field(n, g, r, False),
    lambda n, g, r: remove_field(n, g, r, True),
    lambda n, g, r: remove_field(n, g, r, False),
    lambda n, g, r: promote(n, g, r, False),
    lambda n, g, r: promote(n, g, r, True),
    change_type,
    lambda n, g, r: enum_symbols(n, g, r, True, False),
    lambda n, g, r: enum_symbols(n, g, r, True, True),
    lambda n, g, r: enum_symbols(n, g, r, False, False),
    lambda n, g, r: enum_symbols(n, g, r, False, True),
    lambda n, g, r: union_branch(n, g, r, True),
    lambda n, g, r: union_branch(n, g, r, False),
    lambda n, g, r: optional(n, g, r, True),
    lambda n, g, r: optional(n, g, r, False),
    fixed_size,
    lambda n, g, r: rename_named(n, g, r, True, "record"),
    lambda n, g, r: rename_named(n, g, r, False, "record"),
    lambda n, g, r: rename_named(n, g, r, True, "enum"),
    lambda n, g, r: rename_named(n, g, r, False, "fixed"),
    lambda n, g, r: rename_field(n, g, r, True),
    lambda n, g, r: rename_field(n, g, r, False),
    namespace,
    container,
    logical,
    enum_default_quirk,
    union_of_records,
    recursive,
    reference_inline,
    reorder,
    doc,
]


def apply(old, new, gen, rng, mutation):
    """Applies a mutation. Some mutations add an element to both schemas first (so that the
    old schema has it) and then change it in the new one."""
    label = mutation(new, gen, rng)
    if not isinstance(label, tuple):
        return label
    kind = label[0]
    # The mutation added a field to `new`: mirror it into `old`, then change `new`.
    if kind in ("promotion", "reverse promotion", "logical"):
        name, target = label[1], label[2]
        for r_old, r_new in zip(records(old), records(new)):
            for f in r_new["fields"]:
                if f["name"] == name:
                    r_old["fields"].append(copy.deepcopy(f))
                    set_type(f, copy.deepcopy(target), gen)
                    return f"{kind} {json.dumps(f.get('type'))}"
        return kind
    if kind == "union of records":
        for r_old, r_new in zip(records(old), records(new)):
            for f in r_new["fields"]:
                if f["name"] == label[1]:
                    r_old["fields"].append(copy.deepcopy(f))
                    branch = rng.choice(f["type"])
                    change = rng.random()
                    if change < 0.4:
                        branch["fields"].append({"name": gen.name("b"), "type": "int"})
                    elif change < 0.7:
                        branch["fields"][0]["type"] = rng.choice(PRIMITIVES[1:])
                    else:
                        f["type"].remove(branch)
                    return "union of records, one branch changed"
    if kind == "recursive":
        rec = label[1]
        for r_old, r_new in zip(records(old), records(new)):
            for f in r_new["fields"]:
                if f["type"] is rec:
                    r_old["fields"].append(copy.deepcopy(f))
                    if rng.random() < 0.5:
                        rec["fields"][0]["type"] = rng.choice(["long", "string"])
                    else:
                        rec["fields"].append({"name": "extra", "type": "string"})
                    return "recursive record changed"
    if kind == "reference/inline":
        a, b = label[1], label[2]
        for r_old, r_new in zip(records(old), records(new)):
            names = [f["name"] for f in r_new["fields"]]
            if a in names:
                r_old["fields"].extend(copy.deepcopy(r_new["fields"][-2:]))
                # In the new schema the reference comes first and the definition second.
                fa, fb = r_new["fields"][-2], r_new["fields"][-1]
                fa["type"], fb["type"] = fb["type"], fa["type"]
                fa["name"], fb["name"] = fb["name"], fa["name"]
                r_new["fields"][-2], r_new["fields"][-1] = fb, fa
                if rng.random() < 0.5:
                    fb["type"]["symbols"] = fb["type"]["symbols"][:-1]
                return "named type referenced in one schema, inline in the other"
    return kind


def verdict(checker_reader, checker_writer):
    result = ReaderWriterCompatibilityChecker().get_compatibility(checker_reader, checker_writer)
    return result.compatibility is SchemaCompatibilityType.compatible, sorted(
        {t.name.upper() for t in result.incompatibilities})


def main():
    rng = random.Random(SEED)
    out = []
    attempts = 0
    while len(out) < PAIRS:
        attempts += 1
        gen = Gen(rng)
        old = gen.record(2, rng.randint(2, 6))
        if rng.random() < 0.5:
            old["namespace"] = "ns.a"
        new = copy.deepcopy(old)
        primary = MUTATIONS[len(out) % len(MUTATIONS)]
        labels = [apply(old, new, gen, rng, primary)]
        if labels[0] is None:
            continue
        for _ in range(rng.choice([0, 0, 1, 2])):
            label = apply(old, new, gen, rng, rng.choice(MUTATIONS))
            if label is not None:
                labels.append(label)
        try:
            # A mutation can make a record contain itself with no way out: no default exists.
            fix_defaults(old, gen)
            fix_defaults(new, gen)
            old_schema = avro.schema.parse(json.dumps(old))
            new_schema = avro.schema.parse(json.dumps(new))
        except Exception as err:  # an invalid mutation (e.g. a duplicate name): skip it
            print(f"skipped: {err}", file=sys.stderr)
            continue
        backward, backward_types = verdict(new_schema, old_schema)
        forward, forward_types = verdict(old_schema, new_schema)
        out.append({
            "id": len(out),
            "rules": labels,
            "old": old,
            "new": new,
            "backward": backward,
            "forward": forward,
            "full": backward and forward,
            "backward_types": backward_types,
            "forward_types": forward_types,
        })
    json.dump({"generator": "tests/compat/generate.py", "seed": SEED, "avro": "1.12.0", "pairs": out},
              sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
