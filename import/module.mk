# import/: bulletins from DOCX, ODT (libzip, libxml2) and PDF (poppler-glib),
# repaired and converted from legacy Vietnamese encodings.
LIB_OBJS += import/import.o import/zip.o import/pdf.o import/repair.o import/legacy.o
UNIT_TESTS += tests/unit/test_import
FUZZ_TARGETS += tests/fuzz/fuzz_docx tests/fuzz/fuzz_repair
