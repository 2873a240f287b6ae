from typing import ClassVar

from django.contrib import admin

from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    PupilImport,
    School,
    SchoolDayWindow,
    Term,
    Trust,
)


class SchoolScopedAdmin(admin.ModelAdmin):
    """Lists filter by school first: a superuser works on one school at a time."""

    list_filter: ClassVar[tuple[str, ...]] = ("school",)
    list_select_related: ClassVar[tuple[str, ...]] = ("school",)


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "urn", "trust")
    list_filter = ("trust",)
    search_fields = ("name", "urn")


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


@admin.register(AcademicYear)
class AcademicYearAdmin(SchoolScopedAdmin):
    list_display = ("name", "school", "starts_on", "ends_on")
    inlines = [TermInline]


@admin.register(SchoolDayWindow)
class SchoolDayWindowAdmin(SchoolScopedAdmin):
    list_display = ("school", "weekday", "kind", "start_time", "end_time")


@admin.register(FeederPrimary)
class FeederPrimaryAdmin(SchoolScopedAdmin):
    list_display = ("name", "school", "urn", "contact_email")
    search_fields = ("name",)


@admin.register(Pupil)
class PupilAdmin(SchoolScopedAdmin):
    list_display = (
        "family_name",
        "given_name",
        "school",
        "year_group",
        "form_group",
        "admission_number",
    )
    list_filter = ("school", "year_group", "is_on_roll")
    search_fields = ("family_name", "given_name", "admission_number", "upn")
    raw_id_fields = ("feeder_primary",)


@admin.register(Membership)
class MembershipAdmin(SchoolScopedAdmin):
    list_display = ("user", "school", "role", "is_active")
    list_filter = ("school", "role", "is_active")
    list_select_related = ("school", "user")
    raw_id_fields = ("user", "pupil")
    search_fields = ("user__username", "user__email")


@admin.register(PupilImport)
class PupilImportAdmin(SchoolScopedAdmin):
    list_display = ("created_at", "school", "filename", "outcome", "created", "updated")
    readonly_fields = ("problems",)
