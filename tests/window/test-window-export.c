/* test-window-export.c: where Export writes and what it overwrites, in the
 * real window under Xvfb. The default folder is Attention inside the user's
 * Pictures folder (XDG_PICTURES_DIR, set here in user-dirs.dirs), made by
 * the first export; a set of another sentence in the chosen folder is not
 * replaced without asking ("Replace" / "Choose Another Folder"). What a
 * diagram records is read back with gdk-pixbuf (libpng), not our reader.
 * Every picture kind is asked about too: SVG and PDF sets, Lines sets, All
 * Heads.
 * Needs $ATTENTION_TEST_MODEL. */

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "attention-application.h"
#include "attention-export-dialog.h"
#include "attention-window-private.h"
#include "test-private-home.h"
#include "test-window-common.h"

#define SENTENCE_A "The cat sat on the [MASK]."
#define SENTENCE_B "The dog lay by the [MASK]."

static AttentionApplication *app;
static AttentionWindow *window;
static char *pictures; /* the private HOME's XDG_PICTURES_DIR */
static char *folder;   /* pictures/Attention */

static gboolean
idle (void)
{
  return !attention_window_get_busy (window) && !attention_selection_get_busy (window->selection);
}

static gboolean
no_export_dialog (void)
{
  return window->export_dialog == NULL;
}

static void
run_sentence (const char *text)
{
  wait_for (idle);
  gtk_editable_set_text (GTK_EDITABLE (window->entry), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  wait_for (idle);
  g_assert_cmpstr (attention_result_get_text (test_window_result (window)), ==, text);
}

/* The sentence a PNG records, as libpng reads it. */
static char *
png_sentence (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);

  g_assert_no_error (error);
  return g_strdup (gdk_pixbuf_get_option (pixbuf, "tEXt::Description"));
}

/* The sentence the folder's first diagram records. */
static char *
recorded_sentence (void)
{
  g_autofree char *path = g_build_filename (folder, "Attention_Layer1_Head1.png", NULL);

  return png_sentence (path);
}

static void
export_here (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-to", "s", folder));
}

/* Ctrl+E offers Pictures/Attention, not the home folder, and the first
 * export makes it. */
static void
test_default_folder (void)
{
  AttentionExportDialog *dialog;
  g_autofree char *display = NULL;
  g_autofree char *sentence = NULL;

  run_sentence (SENTENCE_A);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export-all", NULL));
  dialog = ATTENTION_EXPORT_DIALOG (window->export_dialog);
  g_assert_nonnull (dialog);
  display = g_filename_display_name (folder);
  g_assert_cmpstr (adw_action_row_get_subtitle (
                       template_child (dialog, ATTENTION_TYPE_EXPORT_DIALOG, "folder_row")),
                   ==, display);
  /* Opening the dialog makes nothing. */
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  /* Enter right away exports: the focus starts on Export (on Cancel, Enter
   * would press Cancel, whatever the default widget). */
  attention_test_wait_frames (GTK_WIDGET (dialog), 2, FALSE);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (dialog)) ==
                 template_child (dialog, ATTENTION_TYPE_EXPORT_DIALOG, "export_button"));
  g_assert_true (gtk_widget_activate (gtk_window_get_focus (GTK_WINDOW (dialog))));
  /* A button pressed by key is clicked when its press is shown, 250 ms on. */
  wait_for (no_export_dialog);
  wait_for (idle);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  /* The diagram keeps its name and records its sentence. */
  sentence = recorded_sentence ();
  g_assert_cmpstr (sentence, ==, SENTENCE_A);
}

/* Another sentence's set: asked first. Choose Another Folder writes
 * nothing and opens Export again; Cancel writes nothing; Replace does. */
static void
test_other_sentence (void)
{
  g_autofree char *sentence = NULL;
  const char *body;

  if (window->export_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (window->export_dialog));
  run_sentence (SENTENCE_B);
  export_here ();
  g_assert_nonnull (window->sentence_dialog);
  body = adw_message_dialog_get_body (window->sentence_dialog);
  g_assert_nonnull (strstr (body, "holds diagrams of another sentence"));
  g_assert_nonnull (strstr (body, SENTENCE_A));
  g_assert_true (adw_message_dialog_has_response (window->sentence_dialog, "choose"));
  g_assert_true (adw_message_dialog_has_response (window->sentence_dialog, "replace"));
  adw_message_dialog_response (window->sentence_dialog, "choose");
  g_assert_null (window->sentence_dialog);
  g_assert_nonnull (window->export_dialog);
  wait_for (idle);
  sentence = recorded_sentence ();
  g_assert_cmpstr (sentence, ==, SENTENCE_A);
  gtk_window_destroy (GTK_WINDOW (window->export_dialog));

  export_here ();
  g_assert_nonnull (window->sentence_dialog);
  adw_message_dialog_response (window->sentence_dialog, "cancel");
  g_assert_null (window->sentence_dialog);
  wait_for (idle);
  g_clear_pointer (&sentence, g_free);
  sentence = recorded_sentence ();
  g_assert_cmpstr (sentence, ==, SENTENCE_A);

  export_here ();
  g_assert_nonnull (window->sentence_dialog);
  adw_message_dialog_response (window->sentence_dialog, "replace");
  g_assert_null (window->sentence_dialog);
  wait_for (idle);
  g_clear_pointer (&sentence, g_free);
  sentence = recorded_sentence ();
  g_assert_cmpstr (sentence, ==, SENTENCE_B);

  /* The same sentence again: nothing to ask. */
  export_here ();
  g_assert_null (window->sentence_dialog);
  wait_for (idle);
}

/* Every picture kind is asked about as the PNG set is: the SVG and PDF
 * sets, the Lines sets and All Heads; each records its sentence in its own
 * format (checked with Python's xml and pdfinfo in cli-formats; PNGs here
 * with libpng). */
static void
test_other_sentence_kinds (void)
{
  static const struct
  {
    const char *kind, *first;
  } kinds[] = {
    { "svg", "Attention_Layer1_Head1.svg" },      { "pdf", "Attention_Layer1_Head1.pdf" },
    { "lines-png", "Lines_Layer1_Head1.png" },    { "lines-svg", "Lines_Layer1_Head1.svg" },
    { "lines-pdf", "Lines_Layer1_Head1.pdf" },    { "overview-png", "attention-overview.png" },
    { "overview-pdf", "attention-overview.pdf" },
  };

  for (guint f = 0; f < G_N_ELEMENTS (kinds); f++)
    {
      g_autofree char *path = NULL;

      g_test_message ("%s", kinds[f].kind);
      g_clear_pointer (&folder, g_free);
      folder = g_build_filename (pictures, kinds[f].kind, NULL);
      path = g_build_filename (folder, kinds[f].first, NULL);
      g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
      g_action_group_change_action_state (G_ACTION_GROUP (window), "export-format",
                                          g_variant_new_string (kinds[f].kind));
      run_sentence (SENTENCE_A);
      export_here ();
      g_assert_null (window->sentence_dialog);
      wait_for (idle);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

      run_sentence (SENTENCE_B);
      export_here ();
      g_assert_nonnull (window->sentence_dialog);
      g_assert_nonnull (strstr (adw_message_dialog_get_body (window->sentence_dialog), SENTENCE_A));
      adw_message_dialog_response (window->sentence_dialog, "replace");
      g_assert_null (window->sentence_dialog);
      wait_for (idle);
      if (g_str_has_suffix (path, ".png"))
        {
          g_autofree char *sentence = png_sentence (path);

          g_assert_cmpstr (sentence, ==, SENTENCE_B);
        }

      /* Now the pictures are B's: nothing to ask. */
      export_here ();
      g_assert_null (window->sentence_dialog);
      wait_for (idle);
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *dirs_file = NULL;
  g_autofree char *dirs = NULL;
  int status;

  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL)
    {
      g_printerr ("ATTENTION_TEST_MODEL is not set\n");
      return 1;
    }
  g_setenv ("ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  attention_test_private_home ();
  /* A Pictures folder by another name, as a German desktop has it: read
   * before anything asks GLib for it (it keeps the first answer). */
  pictures = g_build_filename (g_get_home_dir (), "Bilder", NULL);
  folder = g_build_filename (pictures, "Attention", NULL);
  g_assert_cmpint (g_mkdir_with_parents (pictures, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (g_getenv ("XDG_CONFIG_HOME"), 0700), ==, 0);
  dirs_file = g_build_filename (g_getenv ("XDG_CONFIG_HOME"), "user-dirs.dirs", NULL);
  dirs = g_strdup_printf ("XDG_PICTURES_DIR=\"$HOME/Bilder\"\n");
  g_assert_true (g_file_set_contents (dirs_file, dirs, -1, NULL));

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = attention_test_application_new ();

  window = attention_window_new (GTK_APPLICATION (app));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 780);
  gtk_window_present (GTK_WINDOW (window));

  /* Order matters: each test starts from the state the previous one left. */
  g_test_add_func ("/window-export/default-folder", test_default_folder);
  g_test_add_func ("/window-export/other-sentence", test_other_sentence);
  g_test_add_func ("/window-export/other-sentence-kinds", test_other_sentence_kinds);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  return status;
}
