"""Personal fields encrypted at rest with SM4, found again by a blind index (issue 23).

A kernel app (below accounts, above audit) so every service can declare encrypted fields:

- ``keys`` — the master key (a file or an environment secret, never in the database nor in
  the data or backup directories) wraps one data key per table and one index key; the
  wrapped keys live in the database (``DataKey``) so a value's key identifier finds its key.
- ``cipher`` — SM4-GCM of one value, stored as ``v1:<kid>:<base64>``; the blind index is
  HMAC-SM3 of the normalised value (ID numbers upper case, phones and accounts digits).
- ``fields`` — ``EncryptedField(kind=..., blind_index="…_bidx")`` and ``BlindIndexField``:
  values decrypt on read, ``filter(id_number=x)`` and ``__in`` compare the blind index.
- ``columns`` — the one helper raw SQL, COPY and Parquet writers call for a whole column.
- ``rotation`` — re-encrypt a table under a new data key, in batches, resumable.
"""
