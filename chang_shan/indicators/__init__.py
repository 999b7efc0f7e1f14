"""The "八零" indicators: per year, derived from the records where the program has them, otherwise
entered with their source."""
