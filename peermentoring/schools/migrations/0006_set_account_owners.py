from django.db import migrations


def set_owners(apps, schema_editor):
    """Each account belongs to the school that made it: its earliest membership.

    Site administrators' and trust leads' accounts belong to no school.
    """
    Membership = apps.get_model("schools", "Membership")
    seen = set()
    # The earliest school where the person still has access: a school they have left
    # (access switched off) does not keep managing their account.
    active = Membership.objects.filter(is_active=True, accepted_at__isnull=False)
    for membership in active.order_by("user_id", "created_at", "id").select_related("user"):
        if membership.user_id in seen:
            continue
        seen.add(membership.user_id)
        if membership.user.is_superuser or membership.user.is_staff:
            continue
        # A trust lead's account is trust-wide: no single school manages it.
        if Membership.objects.filter(user_id=membership.user_id, role="trust_lead").exists():
            continue
        membership.owns_account = True
        membership.save(update_fields=["owns_account"])


class Migration(migrations.Migration):
    dependencies = [("schools", "0005_membership_owner_and_invitations")]

    operations = [migrations.RunPython(set_owners, migrations.RunPython.noop)]
