"""Pure clinical rules (scores, MME, due dates, team gaps) kept free of database and Qt."""
