"""A consumer's reactions, declared once: a class's ``REACTIONS`` maps each event class it reacts
to onto the function that handles it. The same map gives the subscriptions (``on_events``) and
the handlers the kernel's consumer calls; a misspelt handler or an unknown event fails at import."""
from typing import Any, Callable


def handlers(obj: Any) -> dict[str, Callable[[dict], Any]]:
    """``obj``'s reactions bound to it, by event type: what the kernel's consumer takes."""
    return {cls.type: fn.__get__(obj) for cls, fn in type(obj).REACTIONS.items()}
