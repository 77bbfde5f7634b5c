#include "ProfileEditorDialog.h"

#include "ConnectionTestControls.h"
#include "ProfileFileWatcher.h"
#include "ProfileForm.h"
#include "ToneLabel.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileSecrets.h"
#include "endpoints/ProfileStore.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>

namespace adminchat {

namespace {

QLabel* statusLabel(QWidget* parent, const char* name,
                    ToneLabel::Tone tone = ToneLabel::Tone::Normal)
{
    auto* label = new ToneLabel(parent, tone);
    label->setObjectName(QLatin1String(name));
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ProfileEditorDialog::ProfileEditorDialog(ProfileStore* store, KeyStore* keys,
                                         QNetworkAccessManager* network, QWidget* parent)
    : QDialog(parent), m_store(store), m_keys(keys), m_list(new QListWidget(this)),
      m_addButton(new QPushButton(tr("Add"), this)),
      m_duplicateButton(new QPushButton(tr("Duplicate"), this)),
      m_deleteButton(new QPushButton(tr("Delete"), this)), m_form(new ProfileForm(this)),
      m_formError(statusLabel(this, "formError", ToneLabel::Tone::Error)),
      m_saveStatus(statusLabel(this, "saveStatus")),
      m_saveButton(new QPushButton(tr("Save"), this)),
      m_test(new ConnectionTestControls(network, keys, this))
{
    setWindowTitle(tr("Endpoint profiles"));
    setModal(false);
    m_list->setObjectName(QStringLiteral("profileList"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_addButton->setObjectName(QStringLiteral("addProfileButton"));
    m_duplicateButton->setObjectName(QStringLiteral("duplicateProfileButton"));
    m_deleteButton->setObjectName(QStringLiteral("deleteProfileButton"));
    m_saveButton->setObjectName(QStringLiteral("saveProfileButton"));
    m_saveButton->setDefault(true);
    m_saveStatus->setEnabled(false); // the dim text colour

    auto* listButtons = new QHBoxLayout;
    listButtons->addWidget(m_addButton);
    listButtons->addWidget(m_duplicateButton);
    listButtons->addWidget(m_deleteButton);
    auto* left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::close);
    auto* actions = new QHBoxLayout;
    actions->addWidget(m_test->testButton());
    actions->addWidget(m_test->cancelButton());
    actions->addStretch();
    actions->addWidget(m_saveButton);
    actions->addWidget(close);
    auto* right = new QVBoxLayout;
    right->addWidget(m_form);
    right->addStretch();
    right->addWidget(m_test->resultLabel());
    right->addWidget(m_formError);
    right->addWidget(m_saveStatus);
    right->addLayout(actions);

    auto* layout = new QHBoxLayout(this);
    layout->addLayout(left, 1);
    layout->addLayout(right, 3);

    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem* item) {
        if (!item || item->text() == m_currentName)
            return;
        const QString name = item->text();
        // Back on the profile in the form until the unsaved edits are saved or discarded.
        showCurrentInList();
        whenSettled([this, name] { refreshList(name); });
    });
    connect(m_addButton, &QPushButton::clicked, this,
            [this] { whenSettled([this] { addProfile(); }); });
    connect(m_duplicateButton, &QPushButton::clicked, this, &ProfileEditorDialog::duplicate);
    connect(m_deleteButton, &QPushButton::clicked, this, &ProfileEditorDialog::confirmDelete);
    connect(m_saveButton, &QPushButton::clicked, this, &ProfileEditorDialog::save);
    connect(m_test, &ConnectionTestControls::testRequested, this,
            &ProfileEditorDialog::testConnection);
    connect(m_test, &ConnectionTestControls::modelsListed, m_form, &ProfileForm::setModels);
    connect(m_form, &ProfileForm::edited, m_saveStatus, &QLabel::clear);
    connect(new ProfileFileWatcher(m_store, this), &ProfileFileWatcher::profilesChanged, this,
            &ProfileEditorDialog::reloadFromDisk);

    // A change another process made just before the dialog opened came before its watcher: read
    // the file as it is now.
    m_store->sync();
    const QList<EndpointProfile> profiles = m_store->profiles();
    refreshList(profiles.isEmpty() ? QString() : profiles.first().name);
    resize(860, 640);
}

void ProfileEditorDialog::done(int result)
{
    // Close, Escape and the window's close button all end here.
    whenSettled([this, result] { QDialog::done(result); });
}

void ProfileEditorDialog::whenSettled(std::function<void()> next)
{
    if (m_busy)
        return;
    if (!m_form->isModified())
        return next();
    // open(), not exec(): the answer comes back through finished, without a nested event loop.
    auto* box =
        new QMessageBox(QMessageBox::Question, tr("Unsaved changes"),
                        tr("Save the changes to “%1”?").arg(m_form->typedName()),
                        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("unsavedChanges"));
    box->setInformativeText(tr("Otherwise they are lost."));
    box->setDefaultButton(QMessageBox::Save);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, next](int) {
        QAbstractButton* clicked = box->clickedButton();
        const QMessageBox::StandardButton answer =
            clicked ? box->standardButton(clicked) : QMessageBox::Cancel;
        if (answer == QMessageBox::Discard) {
            m_form->setProfile(m_form->loadedProfile());
            next();
        } else if (answer == QMessageBox::Save) {
            m_afterSave = next; // run once the save succeeded; dropped when it fails
            save();
        }
    });
    box->open();
}

void ProfileEditorDialog::showCurrentInList()
{
    const QSignalBlocker blocker(m_list);
    const QList<QListWidgetItem*> items = m_list->findItems(m_currentName, Qt::MatchExactly);
    m_list->setCurrentItem(m_currentName.isEmpty() || items.isEmpty() ? nullptr : items.first());
}

void ProfileEditorDialog::selectProfile(const QString& name)
{
    if (!m_busy && m_store->contains(name) && name != m_currentName)
        whenSettled([this, name] { refreshList(name); });
}

void ProfileEditorDialog::showWatchSettings(const QString& name)
{
    if (!name.isEmpty())
        selectProfile(name);
    m_form->showWatchTab();
}

void ProfileEditorDialog::reloadFromDisk()
{
    if (m_busy)
        return; // the save or delete under way lists again when done
    // The list only: the form keeps what it shows, edits being typed and a save's status (our
    // own saves change the file too).
    refreshList(QString(), false);
    showCurrentInList();
}

void ProfileEditorDialog::refreshList(const QString& select, bool load)
{
    {
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        for (const EndpointProfile& profile : m_store->profiles()) {
            auto* item = new QListWidgetItem(profile.name, m_list);
            if (profile.name == select)
                m_list->setCurrentItem(item);
        }
    }
    if (!load)
        return;
    if (m_list->currentItem())
        loadProfile(select);
    else if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        addProfile();
}

void ProfileEditorDialog::loadProfile(const QString& name)
{
    const std::optional<EndpointProfile> profile = m_store->profile(name);
    if (!profile)
        return;
    m_currentName = name;
    m_form->setProfile(*profile);
    resetStatus();
}

void ProfileEditorDialog::addProfile()
{
    m_currentName.clear();
    {
        const QSignalBlocker blocker(m_list);
        m_list->setCurrentItem(nullptr);
    }
    EndpointProfile profile;
    profile.name = tr("New profile");
    for (int n = 2; nameTaken(profile.name, {}); ++n)
        profile.name = tr("New profile %1").arg(n);
    m_form->setProfile(profile);
    m_form->focusName();
    resetStatus();
}

void ProfileEditorDialog::save()
{
    if (m_busy)
        return;
    m_formError->clear();
    m_saveStatus->clear();
    m_form->setKeyError({});
    QString error;
    std::optional<EndpointProfile> profile = m_form->profile(&error);
    if (!profile)
        return showFormError(error);
    const std::optional<EndpointProfile> old =
        m_currentName.isEmpty() ? std::nullopt : m_store->profile(m_currentName);
    const bool renamed = old && old->name != profile->name;
    // Checked before any key is written: a key under a taken name would replace another's.
    if (nameTaken(profile->name, old ? old->name : QString()))
        return showFormError(tr("a profile named “%1” already exists").arg(profile->name));

    setBusy(true);
    // After the key: the secret header values typed (or left in the settings file by an older
    // version), and on a rename the kept ones copied to the new name; then the profile.
    auto proceed = [this, profile = *profile, old, renamed,
                    values = m_form->secretValues()](bool hasKey, bool removeOldKey) {
        EndpointProfile saved = profile;
        saved.hasKey = hasKey;
        QList<QByteArray> kept;
        for (const auto& header : saved.extraHeaders) {
            const QByteArray& name = header.first; // lambdas cannot capture a binding (clang 14)
            if (saved.isSecretHeader(name) &&
                std::none_of(values.cbegin(), values.cend(),
                             [&](const auto& typed) { return typed.first == name; }))
                kept << name;
        }
        auto store = [this, saved, old, removeOldKey, values](const QString& error) {
            if (!error.isEmpty())
                return showFormError(error);
            ProfileSecrets::write(saved.name, values, this,
                                  [this, saved, old, removeOldKey](const QString& error) {
                                      if (!error.isEmpty())
                                          return showFormError(error);
                                      storeProfile(saved, old, removeOldKey);
                                  });
        };
        if (renamed && !kept.isEmpty())
            return ProfileSecrets::copy(old->name, saved.name, kept, this, store);
        store({});
    };
    const QString typed = m_form->typedKey();
    if (!typed.isEmpty()) {
        // The key first: a profile never claims a key the keychain does not hold.
        const bool removeOldKey = renamed && old->hasKey;
        m_keys->writeKey(profile->name, typed, this,
                         [this, proceed, removeOldKey](const KeyStore::Result& result) {
                             if (!result.ok)
                                 return showKeyError(result.error);
                             proceed(true, removeOldKey);
                         });
    } else if (m_form->removeKeyChecked() && old && old->hasKey) {
        m_keys->removeKey(old->name, this, [this, proceed](const KeyStore::Result& result) {
            if (!result.ok)
                return showKeyError(result.error);
            proceed(false, false);
        });
    } else if (renamed && old->hasKey) {
        // The key moves with the name: written under the new one, the old one removed last.
        copyKey(old->name, profile->name, [proceed](bool copied) { proceed(copied, copied); });
    } else {
        proceed(old && old->hasKey, false);
    }
}

void ProfileEditorDialog::storeProfile(EndpointProfile profile, std::optional<EndpointProfile> old,
                                       bool removeOldKey)
{
    const bool renamed = old && old->name != profile.name;
    // The store refuses two names differing only in case, so "work" -> "Work" goes in two steps.
    const bool caseOnly = renamed && old->name.compare(profile.name, Qt::CaseInsensitive) == 0;
    if (old && profile.id.isEmpty())
        profile.id = old->id; // renamed or edited, still the same endpoint in the metrics
    if (caseOnly)
        m_store->remove(old->name);
    QString error;
    if (!m_store->save(profile, &error)) {
        if (caseOnly)
            m_store->save(*old);
        if (profile.hasKey && (!old || renamed))
            m_keys->removeKey(profile.name, this, {}); // the key written for it is now orphaned
        return showFormError(error);
    }
    if (renamed && !caseOnly)
        m_store->remove(old->name);
    // Entries of secret headers that went, or that stayed under the old name.
    if (old) {
        QList<QByteArray> stale;
        for (const auto& [name, value] : old->extraHeaders) {
            if (old->isSecretHeader(name) && (renamed || !profile.isSecretHeader(name)))
                stale << name;
        }
        if (!stale.isEmpty())
            ProfileSecrets::remove(old->name, stale, this, [this](const QString& error) {
                if (!error.isEmpty())
                    showKeyError(error);
            });
    }
    emit profilesChanged();
    const QString saved = tr("Saved “%1”.").arg(profile.name);
    if (!removeOldKey)
        return finished(profile.name, saved);
    m_keys->removeKey(old->name, this, [this, name = profile.name, saved](const auto& result) {
        finished(name, saved);
        if (!result.ok)
            showKeyError(result.error);
    });
}

void ProfileEditorDialog::duplicate()
{
    const std::optional<EndpointProfile> source = m_store->profile(m_currentName);
    if (m_busy || !source)
        return;
    EndpointProfile copy = *source;
    copy.name = copyName(source->name);
    copy.id.clear(); // a new endpoint in the metrics, though it shares the URL
    if (const QString error = EndpointProfile::nameError(copy.name); !error.isEmpty())
        return showFormError(error);
    auto store = [this](const EndpointProfile& profile) {
        QString error;
        if (!m_store->save(profile, &error)) {
            if (profile.hasKey)
                m_keys->removeKey(profile.name, this, {});
            return showFormError(error);
        }
        emit profilesChanged();
        finished(profile.name, tr("Duplicated as “%1”.").arg(profile.name));
    };
    setBusy(true);
    const QList<QByteArray> secrets = source->secretHeaderNames();
    auto withSecrets = [this, from = source->name, secrets, store](const EndpointProfile& copy) {
        if (secrets.isEmpty())
            return store(copy);
        ProfileSecrets::copy(from, copy.name, secrets, this, [this, copy, store](const QString& e) {
            if (!e.isEmpty())
                return showKeyError(e);
            store(copy);
        });
    };
    if (!source->hasKey)
        return withSecrets(copy);
    copyKey(source->name, copy.name, [copy, withSecrets](bool copied) {
        EndpointProfile saved = copy;
        saved.hasKey = copied;
        withSecrets(saved);
    });
}

void ProfileEditorDialog::copyKey(const QString& from, const QString& to,
                                  std::function<void(bool copied)> done)
{
    m_keys->readKey(from, this, [this, to, done](const KeyStore::Result& read) {
        if (read.notFound)
            return done(false); // gone meanwhile: nothing to carry over
        if (!read.ok)
            return showKeyError(read.error);
        m_keys->writeKey(to, read.key, this, [this, done](const KeyStore::Result& written) {
            if (!written.ok)
                return showKeyError(written.error);
            done(true);
        });
    });
}

void ProfileEditorDialog::confirmDelete()
{
    const std::optional<EndpointProfile> profile = m_store->profile(m_currentName);
    if (m_busy || !profile)
        return;
    auto* box = new QMessageBox(
        QMessageBox::Question, tr("Delete profile"),
        profile->hasKey ? tr("Delete the profile “%1” and its API key?").arg(profile->name)
                        : tr("Delete the profile “%1”?").arg(profile->name),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("deleteConfirmation"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, profile = *profile](int answer) {
        if (answer == QMessageBox::Yes)
            deleteProfile(profile);
    });
    box->open();
}

void ProfileEditorDialog::deleteProfile(const EndpointProfile& profile)
{
    if (m_busy)
        return;
    // The neighbour below, else above, is shown next.
    QString next;
    const QList<QListWidgetItem*> items = m_list->findItems(profile.name, Qt::MatchExactly);
    if (!items.isEmpty()) {
        const int row = m_list->row(items.first());
        const QListWidgetItem* neighbour =
            m_list->item(row + 1) ? m_list->item(row + 1) : m_list->item(row - 1);
        next = neighbour ? neighbour->text() : QString();
    }
    auto remove = [this, name = profile.name, next,
                   secrets = profile.secretHeaderNames()](const QString& keyError) {
        // The secret header values too; deleted even when the keychain fails: what stays is
        // unreachable, and the error says so.
        ProfileSecrets::remove(name, secrets, this, [this, name, next, keyError](const QString& e) {
            m_store->remove(name);
            emit profilesChanged();
            finished(next, tr("Deleted “%1”.").arg(name));
            if (!keyError.isEmpty() || !e.isEmpty())
                showKeyError(keyError.isEmpty() ? e : keyError);
        });
    };
    setBusy(true);
    if (!profile.hasKey)
        return remove({});
    m_keys->removeKey(profile.name, this, [remove](const KeyStore::Result& result) {
        remove(result.ok ? QString() : result.error);
    });
}

void ProfileEditorDialog::testConnection()
{
    QString error;
    const std::optional<EndpointProfile> profile = m_form->profile(&error);
    if (!profile)
        return m_test->fail(error);
    m_test->start(*profile, m_form->typedKey(), m_form->removeKeyChecked(),
                  m_store->profile(m_currentName), m_form->secretValues());
}

void ProfileEditorDialog::resetStatus()
{
    m_test->reset();
    m_formError->clear();
    m_saveStatus->clear();
    setBusy(m_busy);
}

void ProfileEditorDialog::setBusy(bool busy)
{
    m_busy = busy;
    const bool saved = !m_currentName.isEmpty();
    m_list->setEnabled(!busy);
    m_addButton->setEnabled(!busy);
    m_duplicateButton->setEnabled(!busy && saved);
    m_deleteButton->setEnabled(!busy && saved);
    m_saveButton->setEnabled(!busy);
}

void ProfileEditorDialog::showFormError(const QString& error)
{
    m_afterSave = nullptr; // not saved: the form stays, with its edits and the error
    setBusy(false);
    m_formError->setText(error);
}

void ProfileEditorDialog::showKeyError(const QString& error)
{
    m_afterSave = nullptr;
    setBusy(false);
    m_form->setKeyError(error);
}

void ProfileEditorDialog::finished(const QString& select, const QString& status)
{
    setBusy(false);
    refreshList(select);
    m_saveStatus->setText(status);
    if (auto next = std::exchange(m_afterSave, nullptr))
        next();
}

bool ProfileEditorDialog::nameTaken(const QString& name, const QString& except) const
{
    const QList<EndpointProfile> profiles = m_store->profiles();
    return std::any_of(profiles.begin(), profiles.end(), [&](const EndpointProfile& profile) {
        return profile.name != except && profile.name.compare(name, Qt::CaseInsensitive) == 0;
    });
}

QString ProfileEditorDialog::copyName(const QString& name) const
{
    for (int n = 1;; ++n) {
        const QString suffix = n == 1 ? tr(" copy") : tr(" copy %1").arg(n);
        const QString candidate =
            name.left(EndpointProfile::maxNameLength - suffix.size()).trimmed() + suffix;
        if (!nameTaken(candidate, {}))
            return candidate;
    }
}

} // namespace adminchat
