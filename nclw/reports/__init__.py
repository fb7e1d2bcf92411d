"""Reports: what happened at an event, in a week, or at one host's events, in numbers only.

`figures` holds the rules for counting, `lines` their words, `services` reads the database,
`charts` draws them and `downloads` writes the CSV. Screens live with whoever shows them (the
back office, the partner area); nothing in a report names or identifies a person.
"""
