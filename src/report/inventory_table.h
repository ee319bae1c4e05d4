#pragma once
// The readable forms of an inventory: an aligned table for people, plain JSON for scripts.
#include <ostream>

#include "inventory/inventory.h"

namespace moat::report {

void write_inventory_table(const inventory::Inventory& inv, std::ostream& out);
void write_inventory_json(const inventory::Inventory& inv, std::ostream& out);

}  // namespace moat::report
