"""HTML views of the review: the queue and documents, and the dashboard and exports."""
