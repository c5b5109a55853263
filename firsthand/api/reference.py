"""The OpenAPI description, read into what the /api/ page lists: each endpoint, its parameters and body fields."""

from functools import cache

METHODS = ("get", "post", "delete")


def resolved(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def type_of(schema: dict, node: dict) -> str:
    node = resolved(schema, node)
    if "anyOf" in node:
        return " or ".join(type_of(schema, option) for option in node["anyOf"])
    if "enum" in node:
        return " | ".join(f"“{value}”" for value in node["enum"])
    if node.get("type") == "array":
        return f"list of {type_of(schema, node.get('items', {}))}"
    if node.get("format"):
        return f"{node.get('type', 'string')} ({node['format']})"
    return node.get("type", node.get("title", "object"))


def fields_of(schema: dict, node: dict) -> list[dict]:
    node = resolved(schema, node)
    required = set(node.get("required", []))
    return [
        {"name": name, "type": type_of(schema, prop), "required": name in required}
        for name, prop in node.get("properties", {}).items()
    ]


@cache
def endpoints() -> list[dict]:
    from firsthand.api.rest import api

    schema = api.get_openapi_schema()
    listed = []
    for path, operations in schema["paths"].items():
        for method in METHODS:
            operation = operations.get(method)
            if not operation:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            body_schema = next(iter(body.values()), {}).get("schema") if body else None
            listed.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "type": type_of(schema, p.get("schema", {})),
                            "required": p.get("required", False),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": fields_of(schema, body_schema) if body_schema else [],
                    "responses": sorted(operation.get("responses", {})),
                    "tag": (operation.get("tags") or ["other"])[0],
                }
            )
    return listed
