"""Going somewhere through the main menu, as a person does: open the group, click the entry."""

from playwright.sync_api import Page


def go_by_menu(page: Page, group: str, entry: str) -> None:
    menu = page.get_by_role("navigation", name="メインメニュー")
    menu.get_by_text(group, exact=True).click()
    menu.get_by_role("link", name=entry, exact=True).click()
