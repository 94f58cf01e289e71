"""Documents completed before reviews existed get one: review_required when their result says
so, else to_review (never approved after the fact)."""

from django.db import migrations


def create_reviews(apps, schema_editor):
    Document = apps.get_model("jobs", "Document")
    DocumentReview = apps.get_model("review", "DocumentReview")
    pending = Document.objects.filter(job__status="completed", review__isnull=True)
    reviews = [
        DocumentReview(
            document=document,
            revision_status=(
                "review_required" if (document.result or {}).get("needs_review") else "to_review"
            ),
        )
        for document in pending.iterator()
    ]
    DocumentReview.objects.bulk_create(reviews, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("review", "0001_review_memberships_and_revisions")]

    operations = [migrations.RunPython(create_reviews, migrations.RunPython.noop)]
