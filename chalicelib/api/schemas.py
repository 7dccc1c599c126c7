"""JSON Schemas shared by several endpoints (validation and OpenAPI alike)."""

CODE = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"}
TEXT = {"type": "string", "maxLength": 100}


def obj(properties: dict, required: list[str] | tuple[str, ...] = (), additional: bool = False) -> dict:
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": additional}


CONTACT = {
    "contact_name": {"type": "string", "maxLength": 100},
    "contact_phone": {"type": "string", "maxLength": 20},
    "contact_email": {"type": "string", "maxLength": 254},
}
