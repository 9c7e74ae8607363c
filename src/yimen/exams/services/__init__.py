"""Use cases of the safety exams, one function each (house rule 1), split by subdomain:
candidates (registration, bulk import), scheduling (applications, sessions, green channel),
sitting (the computer exam), marking (practicals, results) and certificates."""
