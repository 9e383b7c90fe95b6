import dis


def _next_constant(frame, skip=()):
    if frame is None:
        return None
    for instruction in dis.get_instructions(frame.f_code):
        if instruction.offset <= frame.f_lasti:
            continue
        if instruction.opname.startswith("RETURN"):
            return None
        if (
            instruction.opname == "LOAD_CONST"
            and instruction.argval is not None
            and instruction.argval not in skip
        ):
            return instruction.argval
    return None
