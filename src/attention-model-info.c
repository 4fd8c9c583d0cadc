/* scaffolding: being written */
