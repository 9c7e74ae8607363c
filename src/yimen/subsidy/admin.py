"""Admin for the subsidy's configuration: programmes with their targets, schemes (another
county's round is another row: its dates, admitted types, materials, distances and
disclosure period) and their dated rate tables — configured here, without code. The
applications, payments and survey are changed only through the audited services and pages."""

from __future__ import annotations

from django.contrib import admin

from .models import Programme, ProgrammeTarget, Rate, Scheme


class TargetInline(admin.TabularInline):
    model = ProgrammeTarget
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "division", "start_year", "target_year")
    inlines = [TargetInline]


class RateInline(admin.TabularInline):
    model = Rate
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "division", "opens_at", "deadline", "placeholder")
    list_filter = ("programme", "placeholder")
    search_fields = ("code", "name")
    inlines = [RateInline]
