import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, signIn } from './helpers';

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

/** From the admin page: creates an account (names, e-mail, roles) and lands on its page. */
async function createAccount(page: Page, email: string, firstName: string, lastName: string, roles: string[] = []) {
  await page.goto('/admin');
  await page.getByRole('link', { name: 'Créer un compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Nouveau compte' })).toBeVisible();
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Prénom').fill(firstName);
  await page.getByLabel('Nom', { exact: true }).fill(lastName);
  for (const role of roles) await page.getByRole('checkbox', { name: role }).check();
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${firstName} ${lastName}` })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Compte créé');
}

test('an administrator creates a teacher account, gives it an organisation, disables it and reads it all in the audit log', async ({ page }) => {
  const email = `enseignante.${stamp()}@exemple.fr`;
  await signIn(page, 'admin@exemple.fr');

  // A refusal says what to fix and keeps what was typed.
  await page.goto('/admin/comptes/nouveau');
  await expectAccessible(page);
  await page.getByLabel('Adresse e-mail').fill('pas-une-adresse');
  await page.getByLabel('Prénom').fill('Marie');
  await page.getByLabel('Organisation (facultatif)').selectOption({ label: 'Lycée de démonstration' });
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Indiquez une adresse e-mail valide');
  await expect(summary).toContainText('Indiquez le nom');
  await expect(summary).toContainText('Choisissez le rôle dans l’organisation');
  await expect(page.getByLabel('Prénom')).toHaveValue('Marie');
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue('pas-une-adresse');
  await expect(page.getByLabel('Organisation (facultatif)')).toHaveValue(/.+/);
  await expectAccessible(page);

  await createAccount(page, email, 'Marie', 'Curie');
  await expectAccessible(page);

  // An organisation, as a teacher.
  await page.getByLabel('Organisation (facultatif)').selectOption({ label: 'Lycée de démonstration' });
  await page.getByLabel('Rôle dans l’organisation').selectOption({ label: 'enseignant' });
  await page.getByRole('button', { name: 'Ajouter (ou changer le rôle)' }).first().click();
  await expect(page.getByText('Modification enregistrée.')).toBeVisible();
  await expect(page.getByText('Lycée de démonstration (enseignant)')).toBeVisible();

  // Disabled.
  await page.getByRole('button', { name: 'Désactiver le compte' }).click();
  await expect(page.getByText(/Désactivé depuis le/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Réactiver le compte' })).toBeVisible();

  // The admin list shows it.
  await page.goto('/admin');
  await expect(page.getByRole('row', { name: new RegExp(email) })).toContainText('désactivé');

  // The audit log, filtered on the account.
  await page.getByRole('link', { name: 'Journal des actions' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Journal des actions' })).toBeVisible();
  await page.getByLabel('Personne (partie de l’adresse e-mail)').fill(email);
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(page).toHaveURL(/personne=/);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('Compte désactivé');
  await expect(rows.nth(1)).toContainText('Ajout à une organisation');
  await expect(rows.nth(1)).toContainText('Lycée de démonstration');
  await expect(rows.nth(2)).toContainText('Création de compte');
  for (let i = 0; i < 3; i++) await expect(rows.nth(i)).toContainText('admin@exemple.fr');
  await expectAccessible(page);

  // By action.
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Compte désactivé' });
  await page.getByRole('button', { name: 'Filtrer' }).click();
  await expect(rows).toHaveCount(1);
  await expect(page.getByLabel('Personne (partie de l’adresse e-mail)')).toHaveValue(email);
});

test('an administrator cannot remove their own administration role', async ({ page }) => {
  await signIn(page, 'admin@exemple.fr');
  await page.goto('/admin');
  await page
    .getByRole('row', { name: /admin@exemple\.fr/ })
    .getByRole('link')
    .click();
  await page.getByRole('checkbox', { name: 'administration' }).uncheck();
  await page.getByRole('button', { name: 'Enregistrer les rôles' }).click();
  await expect(page.getByRole('alert')).toHaveText('Vous ne pouvez pas retirer votre propre rôle d’administration : demandez-le à un autre administrateur.');
  // What was typed stays; the role itself stays too.
  await expect(page.getByRole('checkbox', { name: 'administration' })).not.toBeChecked();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'administration' })).toBeChecked();
});

test('a password link: the owner chooses a password, signs in with it, and a disabled account is signed out at once', async ({ page, browser }) => {
  const email = `apprenant.${stamp()}@exemple.fr`;
  await signIn(page, 'admin@exemple.fr');
  await createAccount(page, email, 'Louis', 'Pasteur', ['apprenant']);
  await page.getByRole('button', { name: 'Générer un lien de choix du mot de passe' }).click();
  const field = page.getByLabel('Lien de choix du mot de passe');
  await expect(field).toBeVisible();
  const link = await field.inputValue();
  expect(link).toMatch(/\/mot-de-passe\/nouveau\?jeton=[\w-]{40,}$/);
  await expectAccessible(page);

  // The owner, in a browser of their own.
  const owner = await (await browser.newContext()).newPage();
  await owner.goto(link);
  await expect(owner.getByRole('heading', { level: 1, name: 'Choisir un nouveau mot de passe' })).toBeVisible();
  await expect(owner.getByText(`Compte : ${email}`)).toBeVisible();
  await expectAccessible(owner);
  await owner.getByLabel('Nouveau mot de passe').fill('court');
  await owner.getByLabel('Confirmez le mot de passe').fill('court');
  await owner.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(owner.getByRole('alert')).toContainText('Le mot de passe doit contenir au moins 8 caractères.');
  await owner.getByLabel('Nouveau mot de passe').fill('Vaccin-1885');
  await owner.getByLabel('Confirmez le mot de passe').fill('Vaccin-1886');
  await owner.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(owner.getByRole('alert')).toContainText('Les deux mots de passe saisis ne sont pas identiques.');
  await owner.getByLabel('Nouveau mot de passe').fill('Vaccin-1885');
  await owner.getByLabel('Confirmez le mot de passe').fill('Vaccin-1885');
  await owner.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(owner.getByRole('status')).toContainText('Votre mot de passe est enregistré.');
  await expectAccessible(owner);

  // Once only.
  await owner.goto(link);
  await expect(owner.getByRole('alert')).toContainText('Ce lien de choix du mot de passe a déjà servi');
  await owner.goto('/mot-de-passe/nouveau?jeton=inconnu');
  await expect(owner.getByRole('alert')).toContainText('Ce lien de choix du mot de passe n’est pas valable.');
  await expectAccessible(owner);

  await owner.goto(link);
  await owner.getByRole('link', { name: 'Se connecter' }).last().click();
  await signIn(owner, email, 'Vaccin-1885');
  await expect(owner).toHaveURL(/\/profil$/);

  // Disabled by the administrator: the owner's next request is signed out, and signing in is refused.
  await page.getByRole('button', { name: 'Désactiver le compte' }).click();
  await expect(page.getByText(/Désactivé depuis le/)).toBeVisible();
  await owner.reload();
  await expect(owner).toHaveURL(/\/connexion/);
  await signIn(owner, email, 'Vaccin-1885');
  await expect(owner.getByRole('alert')).toHaveText('L’adresse e-mail ou le mot de passe est incorrect.');
  await owner.context().close();
});
