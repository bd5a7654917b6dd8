"""Who may ask and what is kept secret: callers and their roles from tokens (``callers``),
personal data sealed per subject and shredded on erasure (``privacy``), and an auditor's proof
from the feeds alone that nobody edited the history (``audit``)."""
