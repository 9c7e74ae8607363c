"""County supervision (监督): what the county sees of every service, above the services."""
