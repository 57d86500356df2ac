/*
 * ui_update.h: what the review screen's update modules share and nothing
 * else includes: the action handlers' prototypes (generated from the action
 * list in ui.h, so that each handler is checked against ui_handler where it
 * is defined) and the helpers more than one update module calls.
 */
#ifndef GAVEL_UI_UPDATE_H
#define GAVEL_UI_UPDATE_H

#include "ui.h"

#define UI_HANDLER_DECL(id, name, group, footer, handler, help) ui_handler handler;
UI_ACTIONS(UI_HANDLER_DECL)
#undef UI_HANDLER_DECL

#endif
