"""KS2 moderation and appeals: visits, outcomes, letters, evidence."""
