/* attention-page.h: what every view of the header bar's switcher is: a
 * widget bound to the window's AttentionSelection that tells the window
 * which sidebar groups apply to it and what takes the keyboard when it is
 * shown. A new view is a subclass with a template (an AdwViewStackPage of
 * the window's template) plus the renderer it draws with. */
#pragma once

#include <gtk/gtk.h>

#include "attention-page-enums.h"
#include "attention-selection.h"
#include "attention-view.h"

G_BEGIN_DECLS

/* The groups of the sidebar (AttentionSidebar) a page uses. */
typedef enum /*< flags >*/
{
  ATTENTION_PAGE_GROUP_MATRIX = 1 << 0,  /* what the matrix shows, hiding [CLS]/[SEP] */
  ATTENTION_PAGE_GROUP_COLOURS = 1 << 1, /* colour map */
  ATTENTION_PAGE_GROUP_SCALE = 1 << 2,   /* linear, log or contrast */
  ATTENTION_PAGE_GROUP_HEADS = 1 << 3,   /* colouring and sorting the overview */
  ATTENTION_PAGE_GROUP_PATTERN = 1 << 4, /* the strongest pattern of the shown matrix */
} AttentionPageGroups;

#define ATTENTION_TYPE_PAGE (attention_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (AttentionPage, attention_page, ATTENTION, PAGE, GtkWidget)

struct _AttentionPageClass
{
  GtkWidgetClass parent_class;
};

/* "selection" (construct-only): what the page shows. */
AttentionSelection *attention_page_get_selection (AttentionPage *self);
/* "groups": the sidebar groups that apply to the page (its template says). */
AttentionPageGroups attention_page_get_groups (AttentionPage *self);
/* "focus-widget" (its template says): what takes the keyboard when the page
 * is shown (gtk_widget_grab_focus on the page). */
/* "heads" (read-only): the heads the page draws (bit h: head h) when they
 * are more than the selection's head; 0 when it draws that one alone or
 * none. The layer/head row names them. */
guint64 attention_page_get_heads (AttentionPage *self);

/* For subclasses. */
void attention_page_set_heads (AttentionPage *self, guint64 heads);
/* Keeps view showing what selection holds: its result, layer and head
 * (both ways), colours and matrix (head or aggregate). */
void attention_page_bind_view (AttentionSelection *selection, AttentionView *view);
/* The read-out floating over a page: canvas' hover text, hidden for none. */
void attention_page_show_hover (GtkLabel *label, AttentionCanvas *canvas);

G_END_DECLS
