"""The short survey after an event: questions the organisers choose, answered anonymously."""
