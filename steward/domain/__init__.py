"""Plain data and rules of Steward. Imports nothing from storage, services or ui."""
