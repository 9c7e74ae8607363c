"""Process definitions, cases, tasks, deadlines and the working-day calendar."""
