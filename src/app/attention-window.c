/* attention-window.c: the main window: sentence entry, predictions, the live
 * attention view with one compact layer/head row under it, model loading and
 * export. The views (single head, all heads, compare, lines) are switched from the
 * header bar; the analysis options live in a sidebar (AdwFlap, F9), set up in
 * attention-window-analysis.c. Nothing here blocks: loading, running and
 * exporting happen in GTask threads, and every outcome ends in a toast, a
 * status page or the predictions row. */

#include "attention-window-private.h"
#include "attention-window-analysis.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "attention-error-dialog.h"
#include "attention-model-trust.h"
#include "attention-slider-label.h"

G_DEFINE_FINAL_TYPE (AttentionWindow, attention_window, ADW_TYPE_APPLICATION_WINDOW)

#define TOP_K 5

static void
show_toast (AttentionWindow *self, AdwToast *toast)
{
  g_free (self->last_message);
  self->last_message = g_strdup (adw_toast_get_title (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
attention_window_toast (AttentionWindow *self, const char *message)
{
  AdwToast *toast = adw_toast_new ("");

  /* Titles are Pango markup; model errors may contain '<' or '&'. */
  adw_toast_set_title (toast, message);
  adw_toast_set_timeout (toast, 8);
  show_toast (self, toast);
}

/* Failures get a dialog with the whole reason (and details) that stays until
 * read; toasts are for short confirmations. */
void
attention_window_error (AttentionWindow *self,
                        const char *heading,
                        const char *message,
                        const char *details)
{
  g_free (self->last_message);
  self->last_message = g_strdup (message);
  attention_error_dialog_present (GTK_WINDOW (self), heading, message, details);
}

static void
update_busy (AttentionWindow *self)
{
  gboolean busy = self->load_cancellable != NULL || self->run_cancellable != NULL;

  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  attention_window_update_actions (self);
}

/* Which page the content stack shows follows from the state. */
static void
update_page (AttentionWindow *self)
{
  const char *page;

  if (self->result != NULL)
    page = "view";
  else if (self->load_cancellable != NULL)
    {
      adw_status_page_set_title (self->busy_page, _ ("Loading the Model…"));
      page = "busy";
    }
  else if (self->model == NULL)
    page = "no-model";
  else if (self->run_cancellable != NULL)
    {
      adw_status_page_set_title (self->busy_page, _ ("Running the Model…"));
      page = "busy";
    }
  else
    page = "empty";
  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_widget_set_sensitive (self->controls, self->result != NULL);
}

/* ---------------------------------------------------------------- sliders */

static void
configure_scale (GtkScale *scale, GtkAdjustment *adjustment, guint count)
{
  double value = gtk_adjustment_get_value (adjustment);

  count = MAX (count, 1);
  gtk_adjustment_configure (adjustment, CLAMP (value, 1, count), 1, count, 1, 1, 0);
  /* Unlabelled ticks: the value label beside the slider says the number, and
   * the row stays one line high. */
  gtk_scale_clear_marks (scale);
  if (count <= 32)
    for (guint i = 1; i <= count; i++)
      gtk_scale_add_mark (scale, i, GTK_POS_BOTTOM, NULL);
}

/* "2 of 12" beside the layer slider, as the value the slider does not draw.
 * The head row's label is attention-window-analysis.c's: in Lines it names
 * every head overlaid. */
static void
update_value_label (GtkAdjustment *adjustment, GtkLabel *label)
{
  g_autofree char *text =
      attention_slider_label ((guint)round (gtk_adjustment_get_value (adjustment)),
                              (guint)gtk_adjustment_get_upper (adjustment));

  gtk_label_set_label (label, text);
}

/* Sliders count from 1 like the file names; the view from 0. */
static gboolean
slider_to_index (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  double value = round (g_value_get_double (from));

  g_value_set_uint (to, value >= 1 ? (guint)value - 1 : 0);
  return TRUE;
}

static gboolean
index_to_slider (GBinding *binding, const GValue *from, GValue *to, gpointer user_data)
{
  g_value_set_double (to, g_value_get_uint (from) + 1.0);
  return TRUE;
}

void
attention_window_step_layer (AttentionWindow *self, int delta)
{
  gtk_adjustment_set_value (self->layer_adjustment,
                            gtk_adjustment_get_value (self->layer_adjustment) + delta);
}

void
attention_window_step_head (AttentionWindow *self, int delta)
{
  gtk_adjustment_set_value (self->head_adjustment,
                            gtk_adjustment_get_value (self->head_adjustment) + delta);
}

/* ------------------------------------------------------------------ model */

static void
set_model (AttentionWindow *self, AttentionModel *model)
{
  const AttentionModelInfo *info = attention_model_get_info (model);
  g_autofree char *size = attention_model_info_describe_size (info);
  g_autofree char *path = g_filename_display_name (attention_model_get_path (model));

  g_set_object (&self->model, model);

  adw_view_switcher_title_set_subtitle (self->switcher_title, info->name);
  gtk_label_set_label (self->info_name, info->name);
  gtk_label_set_label (self->info_size, size);
  gtk_label_set_label (self->info_description, info->description ? info->description : "");
  gtk_label_set_label (self->info_source, info->source ? info->source : "");
  gtk_label_set_label (self->info_path, path);

  configure_scale (self->layer_scale, self->layer_adjustment, info->n_layers);
  configure_scale (self->head_scale, self->head_adjustment, info->n_heads);

  /* The old result belongs to the old model. */
  g_clear_object (&self->result);
  attention_view_set_result (self->view, NULL);
  attention_predictions_set_result (self->predictions, NULL);
}

/* A .pt bundle is TorchScript: libtorch ran code from it to open it. Said
 * once per opening, in a toast and in the model information. */
static void
show_code_notice (AttentionWindow *self, const char *path)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *message = g_strdup_printf (
      _ ("“%s” is a .pt bundle: opening it runs code from it. Open bundles only from sources "
         "you trust; a model folder is data and runs nothing."),
      name);
  g_autofree char *description =
      g_strconcat (gtk_label_get_label (self->info_description), "\n\n",
                   _ ("This bundle is code (TorchScript) from outside the app’s own model "
                      "folders: open bundles only from sources you trust."),
                   NULL);

  gtk_label_set_label (self->info_description, description);
  attention_window_toast (self, message);
}

typedef struct
{
  AttentionWindow *self;     /* owned */
  GCancellable *cancellable; /* owned; cancelled when a newer load replaced this one */
  char *path;
  gboolean remember;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data->path);
  g_free (data);
}

static void
model_loaded_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  LoadData *data = user_data;
  AttentionWindow *self = data->self;
  g_autoptr (AttentionModel) model = NULL;
  g_autoptr (GError) error = NULL;

  model = attention_model_new_from_file_finish (res, &error);
  /* The application's preload has no cancellable of its own. */
  if (g_cancellable_is_cancelled (data->cancellable) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* A newer load replaced this one, or the window closed. */
      load_data_free (data);
      return;
    }

  g_clear_object (&self->load_cancellable);

  if (model == NULL)
    {
      g_autofree char *name = g_filename_display_basename (data->path);
      g_autofree char *message = NULL;
      const char *details = attention_model_error_get_details (error);

      message = g_strdup_printf (_ ("Could not load the model “%s”: %s"), name, error->message);
      if (self->model != NULL || details != NULL)
        attention_window_error (self, _ ("Could Not Load the Model"), message, details);
      if (self->model == NULL)
        {
          /* The status page says it too, and stays. */
          adw_status_page_set_description (self->no_model_page, message);
          g_free (self->last_message);
          self->last_message = g_steal_pointer (&message);
        }
    }
  else
    {
      set_model (self, model);
      if (data->remember && self->settings != NULL)
        g_settings_set_string (self->settings, "model-path", data->path);
      if (attention_model_path_runs_foreign_code (data->path))
        show_code_notice (self, data->path);
    }

  update_busy (self);
  update_page (self);

  /* Run the waiting or restored sentence on the new model. */
  if (model != NULL && (self->run_when_loaded || gtk_entry_get_text_length (self->entry) > 0))
    attention_window_run (self);
  self->run_when_loaded = FALSE;
  load_data_free (data);
}

void
attention_window_load_model (AttentionWindow *self, const char *path, gboolean remember)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  LoadData *data;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  g_return_if_fail (path != NULL);

  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->load_cancellable);
  data->path = g_strdup (path);
  data->remember = remember;
  /* The application may have started loading this very model already. */
  if (!ATTENTION_IS_APPLICATION (app) ||
      !attention_application_claim_preload (ATTENTION_APPLICATION (app), path, model_loaded_cb,
                                            data))
    attention_model_new_from_file_async (path, self->load_cancellable, model_loaded_cb, data);

  update_busy (self);
  update_page (self);
}

void
attention_window_open_model_file (AttentionWindow *self, GFile *file)
{
  g_autofree char *path = NULL;
  g_autoptr (GFile) model = NULL;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  /* config.json or model.safetensors chosen or dropped: their folder. */
  model = attention_model_file_for (file);
  path = g_file_get_path (model);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *message = g_strdup_printf (
          _ ("Could not load the model “%s”: only local files can be opened"), uri);

      attention_window_error (self, _ ("Could Not Load the Model"), message, NULL);
      return;
    }
  attention_window_load_model (self, path, TRUE);
}

/* -------------------------------------------------------------------- run */

typedef struct
{
  AttentionWindow *self; /* owned */
  GCancellable *cancellable;
  char *text;
} RunData;

static void
run_data_free (RunData *data)
{
  g_object_unref (data->self);
  g_object_unref (data->cancellable);
  g_free (data->text);
  g_free (data);
}

static void
restore_view (AttentionWindow *self)
{
  if (!self->restore_view)
    return;
  self->restore_view = FALSE;
  if (self->settings == NULL)
    return;
  gtk_adjustment_set_value (self->layer_adjustment, g_settings_get_uint (self->settings, "layer"));
  gtk_adjustment_set_value (self->head_adjustment, g_settings_get_uint (self->settings, "head"));
}

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  RunData *data = user_data;
  AttentionWindow *self = data->self;
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (GError) error = NULL;

  result = attention_model_run_finish (ATTENTION_MODEL (source), res, &error);
  /* Stale: typing cancelled it, or a newer run replaced it. */
  if (data->cancellable != self->run_cancellable ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      run_data_free (data);
      return;
    }
  g_clear_object (&self->run_cancellable);

  if (result == NULL)
    {
      g_autofree char *message = NULL;

      /* The previous result stays on screen; the dialog says it is not this
       * sentence's. */
      if (self->result != NULL)
        message = g_strdup_printf (_ ("Could not run the sentence: %s. The previous result is "
                                      "still shown."),
                                   error->message);
      else
        message = g_strdup_printf (_ ("Could not run the sentence: %s"), error->message);
      attention_window_error (self, _ ("Could Not Run the Sentence"), message,
                              attention_model_error_get_details (error));
    }
  else
    {
      g_set_object (&self->result, result);
      attention_view_set_result (self->view, result);
      attention_predictions_set_result (self->predictions, result);
      restore_view (self);
      if (self->settings != NULL)
        g_settings_set_string (self->settings, "last-sentence", data->text);
      /* A sentence without [MASK] is said once, in the predictions row. */
    }

  update_busy (self);
  update_page (self);
  run_data_free (data);
}

static void
cancel_run (AttentionWindow *self)
{
  if (self->run_cancellable == NULL)
    return;
  g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  update_busy (self);
  update_page (self);
}

void
attention_window_run (AttentionWindow *self)
{
  const char *text;
  g_autofree char *stripped = NULL;
  RunData *data;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));

  text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  stripped = g_strstrip (g_strdup (text));
  if (*stripped == '\0')
    {
      attention_window_toast (self, _ ("Type a sentence with [MASK] first"));
      return;
    }
  if (self->model == NULL)
    {
      if (self->load_cancellable != NULL)
        self->run_when_loaded = TRUE;
      else
        attention_window_toast (self, _ ("No model is loaded: open a model bundle first"));
      return;
    }

  cancel_run (self);
  self->run_cancellable = g_cancellable_new ();
  data = g_new0 (RunData, 1);
  data->self = g_object_ref (self);
  data->cancellable = g_object_ref (self->run_cancellable);
  data->text = g_strdup (text);
  attention_model_run_async (self->model, text, TOP_K, self->run_cancellable, run_done_cb, data);

  update_busy (self);
  update_page (self);
}

/* ----------------------------------------------------------------- export */

static void
export_progress_cb (AttentionExportJob *job, guint done, guint total, AttentionWindow *self)
{
  g_autofree char *text = NULL;

  if (self->export_job != job)
    return;
  /* Translators: export progress, e.g. "12 of 144". */
  text = g_strdup_printf (_ ("%u of %u"), done, total);
  gtk_progress_bar_set_fraction (self->export_progress, total > 0 ? (double)done / total : 0);
  gtk_progress_bar_set_text (self->export_progress, text);
}

static void
export_done_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  AttentionExportJob *job = ATTENTION_EXPORT_JOB (source);
  g_autoptr (AttentionWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  const char *dir = attention_export_job_get_dir (job);
  g_autofree char *display_dir = g_filename_display_name (dir);
  guint n_written = attention_export_job_get_n_written (job);
  g_autofree char *message = NULL;
  gboolean ok = attention_export_job_run_finish (job, res, &error);
  AdwToast *toast;

  if (self->export_job != job)
    return; /* the window was closed meanwhile */
  g_clear_object (&self->export_job);
  g_clear_object (&self->export_cancellable);
  gtk_revealer_set_reveal_child (self->export_revealer, FALSE);

  if (ok)
    /* Translators: "Exported 144 diagrams to “/home/me/Pictures”". */
    message = g_strdup_printf (
        ngettext ("Exported %u diagram to “%s”", "Exported %u diagrams to “%s”", n_written),
        n_written, display_dir);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* The exporter's own message says how many files were written. */
    message = g_strdup (error->message);
  else
    {
      message = g_strdup_printf (_ ("Export failed: %s"), error->message);
      attention_window_error (self, _ ("Export Failed"), message, NULL);
      attention_window_update_actions (self);
      return;
    }

  toast = adw_toast_new ("");
  adw_toast_set_title (toast, message);
  adw_toast_set_timeout (toast, 10);
  if (n_written > 0)
    {
      g_autoptr (GFile) file = g_file_new_for_path (dir);
      g_autofree char *uri = g_file_get_uri (file);

      adw_toast_set_button_label (toast, _ ("_Open Folder"));
      adw_toast_set_detailed_action_name (toast, "win.open-folder");
      adw_toast_set_action_target_value (toast, g_variant_new_string (uri));
    }
  show_toast (self, toast);
  attention_window_update_actions (self);
}

static void
start_export (AttentionWindow *self, AttentionExportJob *job)
{
  self->export_cancellable = g_cancellable_new ();
  self->export_job = g_object_ref (job);
  gtk_progress_bar_set_fraction (self->export_progress, 0);
  gtk_progress_bar_set_text (self->export_progress, NULL);
  gtk_revealer_set_reveal_child (self->export_revealer, TRUE);
  attention_window_update_actions (self);

  g_signal_connect_object (job, "progress", G_CALLBACK (export_progress_cb), self, 0);
  attention_export_job_run_async (job, self->export_cancellable, export_done_cb,
                                  g_object_ref (self));
}

typedef struct
{
  AttentionWindow *self; /* owned */
  AttentionExportJob *job;
  char **stale;
} StaleData;

static void
stale_data_free (gpointer data)
{
  StaleData *d = data;

  g_object_unref (d->self);
  g_object_unref (d->job);
  g_strfreev (d->stale);
  g_free (d);
}

static void
stale_answer_cb (gboolean replace, gpointer data)
{
  StaleData *d = data;

  /* Things moved on while the question was open: say so. */
  if (d->self->result == NULL || d->self->export_cancellable != NULL)
    {
      attention_window_toast (d->self, d->self->export_cancellable != NULL
                                           ? _ ("An export is already running")
                                           : _ ("Nothing to export: the sentence is running"));
      return;
    }
  if (replace)
    attention_export_job_set_remove (d->job, d->stale);
  start_export (d->self, d->job);
}

void
attention_window_export_to (AttentionWindow *self, const char *dir)
{
  g_autoptr (AttentionExportJob) job = NULL;
  g_auto (GStrv) stale = NULL;
  const AttentionExportKind *kind;

  g_return_if_fail (ATTENTION_IS_WINDOW (self));
  g_return_if_fail (dir != NULL);

  if (self->export_cancellable != NULL)
    {
      attention_window_toast (self, _ ("An export is already running"));
      return;
    }
  if (self->result == NULL)
    {
      attention_window_toast (self, _ ("Run a sentence first: there is nothing to export yet"));
      return;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (dir);
      g_autofree char *message =
          g_strdup_printf (_ ("Export failed: the folder “%s” does not exist"), display);

      attention_window_error (self, _ ("Export Failed"), message, NULL);
      return;
    }

  kind = attention_export_kind_find (attention_window_analysis_get_export_format (self));
  job = attention_export_job_new (self->result, kind, dir,
                                  attention_model_get_info (self->model)->name);
  /* Diagrams of an earlier, bigger set would pass for part of this one. */
  stale = attention_export_job_find_stale (job);
  if (stale[0] != NULL)
    {
      StaleData *d = g_new0 (StaleData, 1);

      d->self = g_object_ref (self);
      d->job = g_object_ref (job);
      d->stale = g_steal_pointer (&stale);
      attention_error_dialog_ask_stale (
          GTK_WINDOW (self), dir, d->stale, attention_result_get_n_layers (self->result),
          attention_result_get_n_heads (self->result), stale_answer_cb, d, stale_data_free);
      return;
    }
  start_export (self, job);
}

/* -------------------------------------------------------------- callbacks */

static void
entry_activate_cb (GtkEntry *entry, AttentionWindow *self)
{
  attention_window_run (self);
}

static void
entry_changed_cb (GtkEditable *editable, AttentionWindow *self)
{
  /* A result for a sentence that is no longer in the entry is not wanted. */
  cancel_run (self);
  attention_window_update_actions (self);
}

static void
candidate_activated_cb (AttentionPredictions *predictions,
                        guint mask,
                        guint candidate,
                        AttentionWindow *self)
{
  g_autofree char *text = NULL;

  if (self->result == NULL)
    return;
  text = attention_result_fill_mask (self->result, mask, candidate);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
  /* The completed sentence runs at once: its matrix replaces the old one. */
  attention_window_run (self);
}

/* Replaces every [mask] written in another case by [MASK]. */
static char *
fix_mask_case (const char *text)
{
  GString *fixed = g_string_new (NULL);
  gsize len = strlen ("[MASK]");

  for (const char *p = text; *p != '\0';)
    {
      if (g_ascii_strncasecmp (p, "[MASK]", len) == 0)
        {
          g_string_append (fixed, "[MASK]");
          p += len;
        }
      else
        g_string_append_c (fixed, *p++);
    }
  return g_string_free (fixed, FALSE);
}

static void
use_mask_cb (AttentionPredictions *predictions, AttentionWindow *self)
{
  g_autofree char *text = fix_mask_case (gtk_editable_get_text (GTK_EDITABLE (self->entry)));

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  attention_window_run (self);
}

/* The read-out floats over the bottom of the matrix while the pointer is on
 * it, so it takes no room of its own. */
void
attention_window_show_hover (AttentionWindow *self, GParamSpec *pspec, AttentionView *view)
{
  const char *text = attention_canvas_get_hover_text (ATTENTION_CANVAS (view));
  gboolean show = text != NULL && *text != '\0';

  if (show)
    gtk_label_set_label (self->hover_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->hover_label), show);
}

static void
hover_text_cb (AttentionView *view, GParamSpec *pspec, AttentionWindow *self)
{
  attention_window_show_hover (self, pspec, view);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, AttentionWindow *self)
{
  GFile *file = g_value_get_object (value);
  g_autofree char *name = NULL;

  if (file == NULL)
    return FALSE;
  name = g_file_get_basename (file);
  if (name == NULL ||
      (!g_str_has_suffix (name, ".pt") &&
       g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) != G_FILE_TYPE_DIRECTORY &&
       !g_str_equal (name, "model.safetensors") && !g_str_equal (name, "config.json")))
    {
      g_autofree char *display = g_file_get_parse_name (file);
      g_autofree char *message = g_strdup_printf (
          _ ("“%s” is not a model: drop a .pt bundle or a Hugging Face model folder"), display);

      attention_window_toast (self, message);
      return FALSE;
    }
  attention_window_open_model_file (self, file);
  return TRUE;
}

/* ---------------------------------------------------------------- window */

/* ATTENTION_BENCH_EXIT_ON_FIRST_DRAW=1 (bench/run-all): quit after the first
 * frame that has shown a matrix, so that the process run time is the time to
 * the first diagram on screen. ATTENTION_BENCH_TEXT gives the sentence. */
static void
bench_after_paint_cb (GdkFrameClock *clock, AttentionWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (app != NULL && attention_view_get_drew_matrix (self->view))
    g_application_quit (G_APPLICATION (app));
}

static void
bench_realize_cb (GtkWidget *widget, gpointer user_data)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (widget), "after-paint",
                           G_CALLBACK (bench_after_paint_cb), widget, 0);
}

static void
bench_init (AttentionWindow *self)
{
  const char *text = g_getenv ("ATTENTION_BENCH_TEXT");

  if (g_strcmp0 (g_getenv ("ATTENTION_BENCH_EXIT_ON_FIRST_DRAW"), "1") != 0)
    return;
  if (text != NULL && *text != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  g_signal_connect (self, "realize", G_CALLBACK (bench_realize_cb), NULL);
}

/* "application" is not a construct property: it is set after constructed(),
 * so settings and the first model load wait for it. */
static void
application_set_cb (AttentionWindow *self, GParamSpec *pspec, gpointer user_data)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autofree char *path = NULL;

  if (app == NULL || self->started)
    return;
  self->started = TRUE;

  if (ATTENTION_IS_APPLICATION (app))
    {
      GSettings *settings = attention_application_get_settings (ATTENTION_APPLICATION (app));

      if (settings != NULL)
        self->settings = g_object_ref (settings);
    }

  if (self->settings != NULL)
    {
      g_autofree char *sentence = g_settings_get_string (self->settings, "last-sentence");

      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      adw_flap_set_reveal_flap (self->flap,
                                g_settings_get_boolean (self->settings, "sidebar-revealed"));
      gtk_editable_set_text (GTK_EDITABLE (self->entry), sentence);
    }
  /* The first launch opens on a result, not on an empty page: the example
   * runs as soon as the model is loaded. */
  if (gtk_entry_get_text_length (self->entry) == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), attention_window_example_sentence ());

  bench_init (self);
  path = ATTENTION_IS_APPLICATION (app)
             ? attention_application_dup_model_path (ATTENTION_APPLICATION (app))
             : attention_model_default_path ();
  attention_window_load_model (self, path, FALSE);
}

static gboolean
attention_window_close_request (GtkWindow *window)
{
  AttentionWindow *self = ATTENTION_WINDOW (window);

  if (self->settings != NULL)
    {
      int width = 0, height = 0;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
      /* A folded (narrow) window hides the sidebar by itself: that is not the
       * user's choice for a wide one. */
      if (!adw_flap_get_folded (self->flap))
        g_settings_set_boolean (self->settings, "sidebar-revealed",
                                adw_flap_get_reveal_flap (self->flap));
      g_settings_set_uint (self->settings, "layer",
                           (guint)gtk_adjustment_get_value (self->layer_adjustment));
      g_settings_set_uint (self->settings, "head",
                           (guint)gtk_adjustment_get_value (self->head_adjustment));
      g_settings_apply (self->settings);
    }

  /* Workers hold references to the window, so dispose may come late: stop
   * their work now; the app waits for them before it exits. */
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);

  return GTK_WINDOW_CLASS (attention_window_parent_class)->close_request (window);
}

static void
cancel_and_clear (GCancellable **cancellable)
{
  if (*cancellable != NULL)
    g_cancellable_cancel (*cancellable);
  g_clear_object (cancellable);
}

static void
attention_window_dispose (GObject *object)
{
  AttentionWindow *self = ATTENTION_WINDOW (object);

  cancel_and_clear (&self->load_cancellable);
  cancel_and_clear (&self->run_cancellable);
  cancel_and_clear (&self->export_cancellable);
  g_clear_object (&self->export_job);
  if (self->export_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->export_dialog),
                                    (gpointer *)&self->export_dialog);
      self->export_dialog = NULL;
    }
  g_clear_object (&self->model);
  g_clear_object (&self->result);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (attention_window_parent_class)->dispose (object);
}

static void
attention_window_finalize (GObject *object)
{
  AttentionWindow *self = ATTENTION_WINDOW (object);

  g_free (self->last_message);
  G_OBJECT_CLASS (attention_window_parent_class)->finalize (object);
}

/* The popover gives focus to its first selectable label, and a focused label
 * selects all its text: the model's name would open highlighted. */
static gboolean
clear_info_selection (gpointer data)
{
  g_autoptr (AttentionWindow) self = data;

  gtk_label_select_region (self->info_name, 0, 0);
  return G_SOURCE_REMOVE;
}

static void
info_popover_map_cb (GtkWidget *popover, AttentionWindow *self)
{
  g_idle_add (clear_info_selection, g_object_ref (self));
}

static void
attention_window_class_init (AttentionWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = attention_window_dispose;
  object_class->finalize = attention_window_finalize;
  window_class->close_request = attention_window_close_request;

  g_type_ensure (ATTENTION_TYPE_VIEW);
  g_type_ensure (ATTENTION_TYPE_PREDICTIONS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/Attention/ui/attention-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_name);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_size);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_description);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_source);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, info_path);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, entry);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, predictions);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, busy_page);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, no_model_page);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, view);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, controls);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, layer_scale);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, head_scale);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, layer_value);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, head_value);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, layer_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, head_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, hover_label);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, export_revealer);
  gtk_widget_class_bind_template_child (widget_class, AttentionWindow, export_progress);
  gtk_widget_class_bind_template_callback (widget_class, info_popover_map_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, candidate_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_mask_cb);
  gtk_widget_class_bind_template_callback (widget_class, hover_text_cb);
}

const char *
attention_window_example_sentence (void)
{
  /* The entry's placeholder, so it is translated (or not) the same way. */
  return _ ("Then I picked up a [MASK] from the table.");
}

/* Keyboard focus starts in the entry, so typing at once replaces the example
 * (its text is selected) instead of landing on a header button. */
static void
map_cb (AttentionWindow *self, gpointer user_data)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
attention_window_init (AttentionWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->restore_view = TRUE;
  attention_window_actions_init (self);

  g_object_bind_property_full (self->layer_adjustment, "value", self->view, "layer",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE, slider_to_index,
                               index_to_slider, NULL, NULL);
  g_object_bind_property_full (self->head_adjustment, "value", self->view, "head",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE, slider_to_index,
                               index_to_slider, NULL, NULL);
  hover_text_cb (self->view, NULL, self);
  g_signal_connect (self->layer_adjustment, "value-changed", G_CALLBACK (update_value_label),
                    self->layer_value);
  g_signal_connect (self->layer_adjustment, "changed", G_CALLBACK (update_value_label),
                    self->layer_value);
  update_value_label (self->layer_adjustment, self->layer_value);

  g_signal_connect (self, "notify::application", G_CALLBACK (application_set_cb), NULL);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->entry));

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  update_busy (self);
  update_page (self);
  attention_window_analysis_init (self);
}

AttentionWindow *
attention_window_new (AttentionApplication *application)
{
  return g_object_new (ATTENTION_TYPE_WINDOW, "application", application, NULL);
}

GtkEditable *
attention_window_get_entry (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return GTK_EDITABLE (self->entry);
}

AttentionView *
attention_window_get_view (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return self->view;
}

GtkRange *
attention_window_get_layer_scale (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return GTK_RANGE (self->layer_scale);
}

GtkRange *
attention_window_get_head_scale (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return GTK_RANGE (self->head_scale);
}

AttentionModel *
attention_window_get_model (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return self->model;
}

AttentionResult *
attention_window_get_result (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return self->result;
}

gboolean
attention_window_get_busy (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), FALSE);
  return self->load_cancellable != NULL || self->run_cancellable != NULL ||
         self->export_cancellable != NULL;
}

const char *
attention_window_get_last_message (AttentionWindow *self)
{
  g_return_val_if_fail (ATTENTION_IS_WINDOW (self), NULL);
  return self->last_message;
}
