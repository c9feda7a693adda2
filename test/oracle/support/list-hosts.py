"""What `ansible PATTERN -i INVENTORY [-l LIMIT] --list-hosts` prints, for many cases in one
process: the same InventoryManager and CLI.get_host_list the `ansible` command calls, without
paying Ansible's start-up (about a second) per pattern. The oracle suite checks a sample of cases
against the real command, so this driver cannot drift from it.

stdin: {"inventory": PATH, "cases": [{"pattern": P, "limit": L or null}, ...]}
stdout: [{"hosts": [...], "error": MESSAGE (when get_host_list raised)}, ...] in the same order.
"""
import json
import sys

from ansible.cli import CLI
from ansible.errors import AnsibleError
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.utils.display import Display


def main():
    request = json.load(sys.stdin)
    Display().verbosity = 0
    loader = DataLoader()
    out = []
    for case in request["cases"]:
        inventory = InventoryManager(loader=loader, sources=[request["inventory"]])
        limit = case.get("limit")
        try:
            hosts = CLI.get_host_list(inventory, limit, case["pattern"])
            out.append({"hosts": [host.name for host in hosts]})
        except AnsibleError as error:
            # `ansible` prints the error when a limit was given, else "hosts (0):" (cli/adhoc.py).
            out.append({"hosts": [], "error": str(error.message)})
    json.dump(out, sys.stdout)


main()
