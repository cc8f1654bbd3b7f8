import type { Locator, Page } from 'playwright-core';
import type { TestTalkbook } from '../../helpers/talkbook.ts';

/**
 * A header action ("Files", "Restart kernel") whichever way the layout shows it: a button on
 * larger screens, an item of the "Conversation actions" menu on phones.
 */
export async function headerAction(page: Page, name: string): Promise<void> {
  await page.locator('.conversation-header').waitFor();
  const button = page.locator('.header-actions').getByRole('button', { name, exact: true });
  if (await button.isVisible()) return button.click();
  await page.getByRole('button', { name: 'Conversation actions' }).click();
  await page.getByRole('menu', { name: 'Conversation actions' }).getByRole('menuitem', { name, exact: true }).click();
}

/** The conversations list: the sidebar, or the drawer it becomes on small screens (opened here). */
export async function conversationsList(page: Page) {
  await page.locator('.conversation-header, .welcome').first().waitFor();
  const drawerButton = page.getByRole('button', { name: 'Conversations', exact: true });
  if (await drawerButton.isVisible()) {
    await drawerButton.click();
    await page.getByRole('dialog', { name: 'Conversations' }).waitFor();
  }
  return page.getByRole('navigation', { name: 'Conversations' });
}

/** No sideways scrolling anywhere: the page, and the conversation's own scroller. */
export async function sidewaysOverflow(page: Page): Promise<{ page: number; conversation: number }> {
  return page.evaluate(() => {
    const scroller = document.querySelector('.notebook-scroller');
    return {
      page: document.documentElement.scrollWidth - window.innerWidth,
      conversation: scroller ? scroller.scrollWidth - scroller.clientWidth : 0,
    };
  });
}

/** Sign in with the token link, make a conversation titled `title` and open it: its id and the prompt box. */
export async function openNewConversation(page: Page, talkbook: TestTalkbook, title: string): Promise<{ id: string; box: Locator }> {
  await page.goto(`${talkbook.url}/?token=${encodeURIComponent(talkbook.token)}`);
  const { id } = await talkbook.createConversation({ title });
  await page.goto(`${talkbook.url}/c/${id}`);
  return { id, box: page.getByRole('textbox', { name: 'Message' }) };
}
